"""Forms of the beheer console (/school/). Writes go through services.py."""

from functools import partial

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from config.forms import IdChoiceField, IdsChoiceField, LookupField
from qualifications.models import Qualification

from . import lookups
from .forms import leerbedrijf_field, praktijkopleider_field
from .models import AuditEntry, Cohort, Enrolment, School, User


class _Names(IdsChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class _Qualification(IdChoiceField):
    # Naming the dossier version, so a beheerder picks the right one when two are in use.
    def label_from_instance(self, obj):
        return _("%(title)s (crebo %(crebo)s, dossier %(code)s versie %(version)s)") % {
            "title": obj.title,
            "crebo": obj.crebo or "—",
            "code": obj.dossier.code,
            "version": obj.dossier.version,
        }


def _qualifications():
    return Qualification.objects.select_related("dossier").order_by("title", "dossier__version")


def _staff_field(*, label, role: str, unknown, suggestions: str) -> LookupField:
    return LookupField(
        label=label,
        required=False,
        help_text=_("E-mailadres of gebruikersnaam; typ een deel van de naam voor suggesties."),
        find=partial(lookups.find_staff, role=role),
        key=lookups.login_key,
        unknown=unknown,
        suggestions_url=reverse_lazy(suggestions),
        list_id=f"{role}-suggesties",
    )


def _klas_field() -> LookupField:
    return LookupField(
        label=_("Klas"),
        required=False,
        help_text=_("Naam van de klas; typ een deel ervan of van de kwalificatie voor suggesties."),
        find=lookups.find_cohort,
        key=lookups.cohort_key,
        unknown=_("Er is geen klas met deze naam."),
        suggestions_url=reverse_lazy("console:cohort_suggestions"),
        list_id="klas-suggesties",
    )


class CohortForm(forms.Form):
    """A klas. Its mentors and assessors are ticked (to keep) from those it has, and one of
    each can be added by typing: a school has up to a thousand docenten, too many for a
    <select>."""

    school = IdChoiceField(label=_("School"), queryset=None)
    name = forms.CharField(label=_("Naam"), max_length=100)
    start_year = forms.IntegerField(label=_("Startjaar"), min_value=2000, max_value=2100)
    qualification = _Qualification(label=_("Kwalificatie"), queryset=None)
    mentors = _Names(
        label=_("Mentoren (docenten)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Haal het vinkje weg bij wie geen mentor meer is."),
    )
    mentor = _staff_field(
        label=_("Mentor toevoegen"),
        role=User.Role.DOCENT,
        unknown=_("Er is geen actieve docent met dit e-mailadres of deze gebruikersnaam."),
        suggestions="console:docent_suggestions",
    )
    assessors = _Names(
        label=_("Assessoren"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Haal het vinkje weg bij wie geen assessor meer is."),
    )
    assessor = _staff_field(
        label=_("Assessor toevoegen"),
        role=User.Role.ASSESSOR,
        unknown=_("Er is geen actieve assessor met dit e-mailadres of deze gebruikersnaam."),
        suggestions="console:assessor_suggestions",
    )

    def __init__(self, *args, cohort: Cohort | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if cohort is None:  # a new klas: no one to keep yet
            del self.fields["mentors"]
            del self.fields["assessors"]
            self.fields["qualification"].queryset = _qualifications()
            self.fields["school"].queryset = School.objects.all()
            if self.fields["school"].queryset.count() == 1:
                self.fields["school"].initial = self.fields["school"].queryset.get()
            return
        # The kwalificatie (and school) of a klas is fixed: its students are enrolled on it.
        del self.fields["qualification"]
        del self.fields["school"]
        self.initial.setdefault("name", cohort.name)
        self.initial.setdefault("start_year", cohort.start_year)
        by_name = ("sort_name", "username", "pk")
        have = {
            "mentors": cohort.mentors.order_by(*by_name),
            "assessors": User.objects.filter(assessor_assignments__cohort=cohort).order_by(
                *by_name
            ),
        }
        for name, people in have.items():
            ticked = list(people)
            if ticked:
                self.fields[name].queryset = people
                self.initial.setdefault(name, ticked)  # everyone the klas has starts ticked
            else:  # no one to keep: no empty list of boxes
                del self.fields[name]

    def chosen(self, kept: str, added: str) -> list[User]:
        """Those ticked in `kept`, and the one typed in `added`, each once."""
        people = list(self.cleaned_data.get(kept) or [])
        new = self.cleaned_data.get(added)
        if new is not None and new not in people:
            people.append(new)
        return people


class EnrolForm(forms.Form):
    qualification = _Qualification(label=_("Kwalificatie"), queryset=None)
    started_on = forms.DateField(
        label=_("Startdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    cohort = _klas_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = _qualifications()


class LeerbedrijfForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=255)
    sbb_number = forms.CharField(label=_("SBB-erkenningsnummer"), max_length=32, required=False)


class BpvForm(forms.Form):
    # Chosen on the page before (console_bpv.bpv_create): a school has thousands of
    # inschrijvingen, too many for a <select>. Checked by id against them all.
    enrolment = IdChoiceField(
        label=_("Student (inschrijving)"), queryset=None, widget=forms.HiddenInput
    )
    praktijkopleider = praktijkopleider_field()
    starts_on = forms.DateField(
        label=_("Begindatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Einddatum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = Enrolment.objects.select_related(
            "student", "qualification", "cohort"
        )


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV-bestand"))


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort"), required=False, choices=[("", _("Alle"))] + AuditEntry.Kind.choices
    )
    username = forms.CharField(label=_("Gebruikersnaam"), required=False)
    since = forms.DateField(
        label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class StaffForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Rol"),
        choices=[
            (User.Role.DOCENT, _("Docent")),
            (User.Role.ASSESSOR, _("Assessor")),
            (User.Role.BEHEERDER, _("Beheerder")),
        ],
    )
    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    email = forms.EmailField(label=_("E-mailadres"), help_text=_("Hierheen gaat de activatielink."))
    username = forms.CharField(label=_("Gebruikersnaam"), max_length=150)
    sso_identifier = forms.CharField(
        label=_("Schoolaccount"),
        max_length=255,
        required=False,
        help_text=_("Alleen als je school inloggen met het schoolaccount gebruikt."),
    )


class StudentForm(forms.Form):
    username = forms.CharField(
        label=_("Studentnummer"),
        max_length=150,
        help_text=_("Het studentnummer is ook de gebruikersnaam."),
    )
    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    email = forms.EmailField(
        label=_("E-mailadres"),
        required=False,
        help_text=_(
            "Hierheen gaat de activatielink. Leeg: de student logt in met het schoolaccount."
        ),
    )
    sso_identifier = forms.CharField(label=_("Schoolaccount"), max_length=255, required=False)
    qualification = _Qualification(label=_("Kwalificatie en dossierversie"), queryset=None)
    cohort = _klas_field()
    started_on = forms.DateField(
        label=_("Startdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = _qualifications()


class PraktijkopleiderForm(forms.Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    email = forms.EmailField(label=_("E-mailadres"))
    leerbedrijf = leerbedrijf_field()


class BpvEditForm(forms.Form):
    """The student of a BPV-periode stays; its praktijkopleider (and with it the
    leerbedrijf) and dates can change."""

    praktijkopleider = praktijkopleider_field()
    starts_on = forms.DateField(
        label=_("Begindatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Einddatum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AccountForm(forms.Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mailadres"), required=False)
    sso_identifier = forms.CharField(
        label=_("Schoolaccount"),
        max_length=255,
        required=False,
        help_text=_("Waarmee deze persoon inlogt met het schoolaccount; leeg: niet gekoppeld."),
    )


class SchoolForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=255)
    brin = forms.CharField(label=_("BRIN-code"), max_length=8, required=False)
    badges_on_sign_off = forms.BooleanField(
        label=_("Badges ook bij aftekening"),
        required=False,
        help_text=School._meta.get_field("badges_on_sign_off").help_text,
    )
