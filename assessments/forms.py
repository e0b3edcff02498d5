"""The scoring form: one choice and one comment per gedrag criterion. It parses input; the
services decide whether the scores are complete and compute the outcome."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import ScoreInput


class ScoresForm(forms.Form):
    ACTIONS = ("save", "submit", "agree", "correct")

    # Set by the button that was pressed.
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    # Optimistic locking: the draft revision, or the vaststelling version, the form was built
    # on. A save based on an older one is refused and shows what changed.
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput, initial=0)
    feedback = forms.CharField(
        label=_("Feedback voor de student"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("Reden van de correctie"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, rows, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = levels
        self.passing = {lv.value: lv.passing for lv in levels}
        choices = [(str(lv.value), f"{lv.value} – {lv.label}") for lv in levels]
        self.criterion_ids = [row.criterion.pk for row in rows]
        for row in rows:
            pk = row.criterion.pk
            self.fields[f"score_{pk}"] = forms.TypedChoiceField(
                label=row.criterion.text,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"comment_{pk}"] = forms.CharField(
                label=_("Toelichting"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def clean(self):
        data = super().clean()
        for pk in self.criterion_ids:
            value = data.get(f"score_{pk}")
            fails = value is not None and not self.passing.get(value, True)
            if fails and not (data.get(f"comment_{pk}") or "").strip():
                self.add_error(f"comment_{pk}", _("Licht een onvoldoende toe: wat ontbrak er?"))
        return data

    def scores(self) -> dict[int, ScoreInput]:
        return {
            pk: ScoreInput(
                value=self.cleaned_data.get(f"score_{pk}"),
                comment=self.cleaned_data.get(f"comment_{pk}") or "",
            )
            for pk in self.criterion_ids
        }

    def pairs(self):
        """(score field, comment field) per criterion, for the template."""
        return [(self[f"score_{pk}"], self[f"comment_{pk}"]) for pk in self.criterion_ids]


def initial_for(values: dict[int, tuple[int | None, str]]) -> dict:
    initial = {}
    for pk, (value, comment) in values.items():
        initial[f"score_{pk}"] = "" if value is None else str(value)
        initial[f"comment_{pk}"] = comment
    return initial
