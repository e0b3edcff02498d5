"""Forms for evidence, review and sign-off. They parse and check input; services write."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import IdsChoiceField
from qualifications.selectors import criteria_for

from . import uploads
from .services import MAX_LINKS, SIGN_OFF_DECLARATION

# What the file picker offers; the server still decides from the content (uploads.py).
ACCEPT = ",".join(
    [
        ".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp",
        ".jpg", ".jpeg", ".png", ".heic", ".webp", ".mp4", ".mov",
        "image/*", "video/mp4", "video/quicktime",
    ]
)  # fmt: skip


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    date = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Wanneer je dit deed."),
    )
    reflection = forms.CharField(
        label=_("Reflectie"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Wat deed je, wat ging goed, wat zou je een volgende keer anders doen?"),
    )
    criteria = IdsChoiceField(
        label=_("Gedrag dat dit bewijsstuk laat zien"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    files = MultipleFileField(label=_("Bestanden"), required=False)
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "inputmode": "url"}),
        help_text=_("Eén webadres per regel, bijvoorbeeld een video op het schoolkanaal."),
    )

    remove_files = IdsChoiceField(
        label=_("Bestanden weghalen"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Een bestand dat al in een ingediende versie zit, blijft daar zichtbaar."),
    )

    def __init__(self, *args, enrolment, werkproces, current_files=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current_files is None:
            del self.fields["remove_files"]
            self.current_count = 0
        else:
            self.fields["remove_files"].queryset = current_files
            self.fields["remove_files"].label_from_instance = lambda f: f.original_name
            self.current_count = len(current_files)
        self.fields["criteria"].queryset = criteria_for(
            qualification=enrolment.qualification, werkproces=werkproces
        )
        self.fields["date"].initial = timezone.localdate()
        self.fields["files"].help_text = _(
            "Toegestaan: %(allowed)s. Hoogstens %(limit)s per bestand. Je kunt meerdere "
            "bestanden tegelijk kiezen."
        ) % {
            "allowed": uploads.ALLOWED_DESCRIPTION,
            "limit": filesizeformat(settings.BEKWAAM_UPLOAD_MAX_BYTES),
        }

    def clean_files(self):
        checked, errors = [], []
        for upload in self.cleaned_data.get("files") or []:
            try:
                checked.append(uploads.check_upload(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            for refused_with in checked:  # cleaned copies of the files that did pass
                refused_with.close()
            # Browsers cannot refill a file input, so say so next to the refusal.
            errors.append(_("Kies de bestanden opnieuw; je andere invoer is bewaard."))
            raise ValidationError(errors)
        return checked

    def clean_links(self):
        links = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(links) > MAX_LINKS:
            raise ValidationError(_("Voeg hoogstens %(max)d links toe.") % {"max": MAX_LINKS})
        return links

    def clean(self):
        cleaned = super().clean()
        remaining = self.current_count - len(cleaned.get("remove_files") or [])
        if (
            not self.errors
            and not cleaned.get("files")
            and not cleaned.get("links")
            and remaining <= 0
        ):
            self.add_error("files", _("Voeg minstens één bestand of link toe."))
        return cleaned


class ReviewForm(forms.Form):
    ACCEPT = "accept"
    RETURN = "return"
    decision = forms.ChoiceField(
        label=_("Besluit"),
        choices=[
            (ACCEPT, _("Goedkeuren")),
            (RETURN, _("Terugsturen met feedback")),
        ],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("Feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Verplicht bij terugsturen: wat moet de student verbeteren?"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("feedback", "").strip():
            self.add_error(
                "feedback", _("Schrijf bij het terugsturen wat de student moet verbeteren.")
            )
        return cleaned


class SignOffForm(forms.Form):
    confirm = forms.BooleanField(label=SIGN_OFF_DECLARATION, required=True)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
