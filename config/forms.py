"""Form helpers shared by every app."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.html import format_html
from django.utils.translation import gettext as _


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal next to the field it is about, or above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class LoginForm(AuthenticationForm):
    """Django's login form, refusing an over-long username before anyone looks it up.

    AuthenticationForm only sets the HTML maxlength; a longer name reached authenticate() and
    axes, whose failure record holds 255 characters (PostgreSQL refused it: a 500).
    """

    def clean_username(self):
        username = self.cleaned_data.get("username") or ""
        limit = self.fields["username"].max_length or 150
        if len(username) > limit:
            raise ValidationError(
                _("Een gebruikersnaam heeft hoogstens %(limit)d tekens.") % {"limit": limit}
            )
        return username


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows that refuses an id no table can hold as "not one of the
    choices", before it reaches the database (SQLite raises OverflowError on it: a 500)."""

    def _check_values(self, value):
        for pk in value:
            try:
                in_range = -(2**63) <= int(pk) < 2**63
            except (TypeError, ValueError):
                in_range = True  # not a number: Django's own check says so
            if not in_range:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class IdChoiceField(forms.ModelChoiceField):
    """The single-choice sibling of IdsChoiceField: an id no table can hold is "not one of the
    choices", not an OverflowError."""

    def to_python(self, value):
        if value not in self.empty_values:
            try:
                in_range = -(2**63) <= int(value) < 2**63
            except (TypeError, ValueError):
                in_range = True
            if not in_range:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class LookupInput(forms.TextInput):
    """A text input with its own <datalist>, which htmx fills from `suggestions_url` (a GET
    with the input's name and value) while the person types."""

    def __init__(self, *, suggestions_url, list_id: str, attrs=None):
        self.list_id = list_id
        super().__init__(
            attrs={
                "list": list_id,
                "autocomplete": "off",
                "hx-get": suggestions_url,
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
                **(attrs or {}),
            }
        )

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', field, self.list_id)


class LookupField(forms.CharField):
    """One of thousands of rows (praktijkopleiders, leerbedrijven, staff, klassen), typed as
    its key with suggestions as the person types: a <select> of them all made the page
    150–200 KB and up to half a second. Without JavaScript the key is typed in full.
    `find(text)` returns the row or None, or raises ValidationError when the text names more
    than one; `key(row)` is what the field shows for a row."""

    def __init__(self, *, find, key, unknown: str, suggestions_url, list_id: str, **kwargs):
        self.find, self.key, self.unknown = find, key, unknown
        kwargs.setdefault("max_length", 254)
        super().__init__(
            widget=LookupInput(suggestions_url=suggestions_url, list_id=list_id), **kwargs
        )

    def prepare_value(self, value):
        return self.key(value) if isinstance(value, Model) else value

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        row = self.find(text)
        if row is None:
            raise ValidationError(self.unknown, code="unknown")
        return row
