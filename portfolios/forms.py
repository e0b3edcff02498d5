"""Forms for evidence, review and sign-off. They parse and check input; services write."""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import IdsChoiceField
from qualifications.models import Criterion
from qualifications.tree_cache import dossier_tree

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
    # The gedrag for the main werkproces (the page the student came from); every other
    # werkproces of the kwalificatie gets a wp_<pk> box and a gedrag_<pk> list below.
    # Choices are ids as text, checked against the list: no id reaches the database.
    criteria = forms.MultipleChoiceField(
        label=_("Gedrag dat dit bewijsstuk laat zien"),
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

    # One per rendered create form: a second POST of the same form (a double click, a
    # reload) finds the bewijsstuk the first one made (drafts.evidence_create_once).
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, enrolment, werkproces, current_files=None, current_links=None, **kwargs
    ):
        """current_links: {werkproces pk: [criterion pks]} of the working copy, on edit."""
        super().__init__(*args, **kwargs)
        if current_files is None:
            self.fields["form_token"].initial = uuid.uuid4()
            del self.fields["remove_files"]
            self.current_count = 0
        else:
            self.fields["remove_files"].queryset = current_files
            self.fields["remove_files"].label_from_instance = lambda f: f.original_name
            self.current_count = len(current_files)
        self._werkproces_fields(enrolment, werkproces, current_links or {})
        self.fields["date"].initial = timezone.localdate()
        self.fields["files"].help_text = _(
            "Toegestaan: %(allowed)s. Hoogstens %(limit)s per bestand. Je kunt meerdere "
            "bestanden tegelijk kiezen."
        ) % {
            "allowed": uploads.ALLOWED_DESCRIPTION,
            "limit": filesizeformat(settings.BEKWAAM_UPLOAD_MAX_BYTES),
        }

    def _werkproces_fields(self, enrolment, werkproces, current_links) -> None:
        # The cached tree of the kwalificatie: no query on most visits.
        tree = dossier_tree(enrolment.qualification)
        werkprocessen = tree.werkprocessen
        self.criteria_by_pk: dict[int, Criterion] = {}
        choices: dict[int, list[tuple[str, str]]] = {}
        for wp in werkprocessen:
            choices[wp.pk] = [(str(c.pk), c.text) for c in tree.criteria[wp.pk]]
            self.criteria_by_pk.update((c.pk, c) for c in tree.criteria[wp.pk])
        self.main_werkproces = werkproces
        self.fields["criteria"].choices = choices.get(werkproces.pk, [])
        self.fields["criteria"].label = _("Gedrag dat dit bewijsstuk laat zien bij %(code)s") % {
            "code": werkproces.code
        }
        if werkproces.pk in current_links:
            self.initial.setdefault("criteria", [str(c) for c in current_links[werkproces.pk]])
        self.other_werkprocessen = []
        for wp in werkprocessen:
            if wp.pk == werkproces.pk:
                continue
            linked, gedrag = f"wp_{wp.pk}", f"gedrag_{wp.pk}"
            self.fields[linked] = forms.BooleanField(
                label=_("Dit bewijsstuk hoort ook bij %(code)s") % {"code": wp.code},
                required=False,
                initial=wp.pk in current_links,
            )
            self.fields[gedrag] = forms.MultipleChoiceField(
                label=_("Gedrag bij %(code)s") % {"code": wp.code},
                choices=choices[wp.pk],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[str(c) for c in current_links.get(wp.pk, [])],
            )
            self.other_werkprocessen.append((wp, linked, gedrag))

    @property
    def werkproces_fieldsets(self):
        """(werkproces, linked box, gedrag list) for each other werkproces, for the template."""
        return [(wp, self[linked], self[gedrag]) for wp, linked, gedrag in self.other_werkprocessen]

    @property
    def others_open(self) -> bool:
        """Show the other werkprocessen unfolded when one is linked or has an error."""
        return any(
            bool(box.value()) or box.errors or gedrag.errors
            for _wp, box, gedrag in self.werkproces_fieldsets
        )

    def werkproces_links(self) -> dict:
        """{werkproces: [criteria]} for the services: the main one and every box ticked."""
        data = self.cleaned_data
        links = {self.main_werkproces: [self.criteria_by_pk[int(pk)] for pk in data["criteria"]]}
        for wp, linked, gedrag in self.other_werkprocessen:
            if data.get(linked):
                links[wp] = [self.criteria_by_pk[int(pk)] for pk in data.get(gedrag) or []]
        return links

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
        for wp, linked, gedrag in self.other_werkprocessen:
            if cleaned.get(gedrag) and not cleaned.get(linked):
                self.add_error(
                    linked,
                    _(
                        "Je koos gedrag bij %(code)s: vink ook aan dat het bewijsstuk bij "
                        "%(code)s hoort, of haal het gedrag weg."
                    )
                    % {"code": wp.code},
                )
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
    confirm_without_evidence = forms.BooleanField(
        label=_(
            "Er is nog geen goedgekeurd bewijs voor dit werkproces. Ik teken toch af: ik heb "
            "gezien dat de student het in de praktijk heeft gedaan."
        ),
        required=False,
    )

    def __init__(self, *args, without_evidence: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Asked only when it applies; the service checks again and records it.
        if not without_evidence:
            del self.fields["confirm_without_evidence"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Je reactie"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class BulkSignOffForm(forms.Form):
    """Several werkprocessen of one student at once; the declaration is recorded per item.
    A werkproces without accepted evidence asks its own confirmation, as the single form does;
    the service refuses it without one, and the others still go through."""

    werkprocessen = forms.MultipleChoiceField(
        label=_("Werkprocessen"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies minstens één werkproces.")},
    )
    confirm_without_evidence = forms.MultipleChoiceField(
        label=_("Toch aftekenen zonder goedgekeurd bewijs"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    confirm = forms.BooleanField(label=SIGN_OFF_DECLARATION, required=True)

    def __init__(self, *args, choices=(), without_evidence=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["werkprocessen"].choices = choices
        # Any werkproces may carry a confirmation (evidence accepted since the page was shown
        # makes it moot, not invalid: the service records what was true); only those without
        # accepted evidence show the checkbox.
        self.without_evidence = set(without_evidence)
        self.fields["confirm_without_evidence"].choices = [
            (
                code,
                _(
                    "Ik teken %(code)s toch af: ik heb gezien dat de student het in de praktijk "
                    "heeft gedaan."
                )
                % {"code": code},
            )
            for code, _label in choices
        ]

    def items(self) -> list[tuple]:
        """Each werkproces's checkbox with its own confirmation checkbox (or None)."""
        confirms = {
            w.data["value"]: w
            for w in self["confirm_without_evidence"]
            if w.data["value"] in self.without_evidence
        }
        return [(w, confirms.get(w.data["value"])) for w in self["werkprocessen"]]
