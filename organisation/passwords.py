"""Password rules. Django's validators, with Bekwaam's own Dutch wording where Django 5.2
changed a message that its Dutch translation does not have yet (it would show in English)."""

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "Dit wachtwoord is te kort: gebruik minstens %(min_length)d teken.",
            "Dit wachtwoord is te kort: gebruik minstens %(min_length)d tekens.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Je wachtwoord moet minstens %(min_length)d teken lang zijn.",
            "Je wachtwoord moet minstens %(min_length)d tekens lang zijn.",
            self.min_length,
        ) % {"min_length": self.min_length}


# Django's Dutch says "Uw wachtwoord ..."; Bekwaam says "je" throughout.


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_help_text(self):
        return _("Je wachtwoord mag niet te veel lijken op je naam, gebruikersnaam of e-mailadres.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_help_text(self):
        return _("Je wachtwoord mag geen veelgebruikt wachtwoord zijn.")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_help_text(self):
        return _("Je wachtwoord mag niet alleen uit cijfers bestaan.")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _lazy("Je huidige wachtwoord klopt niet. Vul het opnieuw in."),
    }
