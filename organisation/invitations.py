"""Inviting praktijkopleiders: they get a one-time link (tokens.py) to choose a password."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Leerbedrijf, Praktijkopleider, User
from .services import account_activation_send, praktijkopleider_create, user_create


@transaction.atomic
def praktijkopleider_invite(
    *,
    invited_by: User,
    first_name: str,
    last_name: str,
    email: str,
    leerbedrijf: Leerbedrijf,
) -> Praktijkopleider:
    """Create the account (without a password) and mail the link once the rows are saved.

    Inviting an address again that never set a password sends a fresh link: mails get lost.
    """
    if not invited_by.is_beheerder:
        raise ValidationError(_("Alleen een beheerder kan praktijkopleiders uitnodigen."))
    email = email.strip().lower()
    existing = User.objects.filter(username=email).select_related("praktijkopleider").first()
    if existing is None:
        user = user_create(
            username=email,
            password=None,
            role=User.Role.PRAKTIJKOPLEIDER,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email,
        )
        praktijkopleider = praktijkopleider_create(user=user, leerbedrijf=leerbedrijf)
    elif (
        existing.role == User.Role.PRAKTIJKOPLEIDER
        and not existing.has_usable_password()
        and hasattr(existing, "praktijkopleider")
    ):
        praktijkopleider = existing.praktijkopleider
    else:
        raise ValidationError({"email": _("Er bestaat al een account met dit e-mailadres.")})
    # Sending again moves activation_sent_at: the earlier link stops working.
    account_activation_send(user=praktijkopleider.user)
    return praktijkopleider
