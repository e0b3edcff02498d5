from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from config.forms import LookupField

from . import lookups
from .services import password_reset_request


def praktijkopleider_field() -> LookupField:
    return LookupField(
        label=_("Praktijkopleider"),
        help_text=_("E-mailadres of gebruikersnaam; typ een deel van de naam voor suggesties."),
        find=lookups.find_praktijkopleider,
        key=lookups.praktijkopleider_key,
        unknown=_("Er is geen praktijkopleider met dit e-mailadres of deze gebruikersnaam."),
        suggestions_url=reverse_lazy("console:praktijkopleider_suggestions"),
        list_id="praktijkopleider-suggesties",
    )


def leerbedrijf_field() -> LookupField:
    return LookupField(
        label=_("Leerbedrijf"),
        help_text=_("SBB-erkenningsnummer of naam; typ een deel ervan voor suggesties."),
        find=lookups.find_leerbedrijf,
        key=lookups.leerbedrijf_key,
        unknown=_("Er is geen leerbedrijf met dit SBB-erkenningsnummer of deze naam."),
        suggestions_url=reverse_lazy("console:leerbedrijf_suggestions"),
        list_id="leerbedrijf-suggesties",
    )


class InviteForm(forms.Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    email = forms.EmailField(label=_("E-mailadres"))
    leerbedrijf = leerbedrijf_field()


class NotificationSettingsForm(forms.Form):
    daily_digest = forms.BooleanField(
        label=_("Stuur mij één overzicht per dag (om 7:00) in plaats van een e-mail per inzending"),
        required=False,
    )


class StudentImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-bestand"),
        help_text=_(
            "Kolommen: gebruikersnaam, voornaam, achternaam, email, crebo, klas, startjaar, "
            "startdatum (JJJJ-MM-DD). Gescheiden door ; of , in UTF-8."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    school = forms.CharField(
        label=_("School"),
        max_length=255,
        help_text=_("De school van de klassen; wordt aangemaakt als die nog niet bestaat."),
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, but the mail is an outbox row, sent after the request commits.

    The page answers the same, equally fast, whether or not the address has an account (no
    one learns who uses Bekwaam); only active accounts with a password get a link (Django's
    get_users), so school-account-only and invited-but-not-activated users get nothing.
    """

    def save(self, *args, **kwargs):
        password_reset_request(email=self.cleaned_data["email"], users=self.get_users)
