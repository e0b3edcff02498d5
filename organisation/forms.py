from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Leerbedrijf


class InviteForm(forms.Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    email = forms.EmailField(label=_("E-mailadres"))
    leerbedrijf = forms.ModelChoiceField(label=_("Leerbedrijf"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leerbedrijf"].queryset = Leerbedrijf.objects.all()


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
