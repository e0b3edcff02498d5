"""Form helpers shared by every app."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
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
