"""Inviting people from the console: praktijkopleiders, staff (docent, assessor, beheerder)
and single students get a one-time link (tokens.py) to choose a password."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qualifications.models import Qualification

from .models import Cohort, Leerbedrijf, Praktijkopleider, User
from .services import (
    account_activation_send,
    enrolment_create,
    praktijkopleider_create,
    user_create,
)


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


STAFF_ROLES = (User.Role.DOCENT, User.Role.ASSESSOR, User.Role.BEHEERDER)


def _require_beheerder(user: User) -> None:
    if not user.is_beheerder:
        raise ValidationError(_("Alleen een beheerder kan accounts aanmaken."))


def _username_free(username: str, field: str = "username") -> None:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({field: _("Deze gebruikersnaam is al in gebruik.")})


@transaction.atomic
def staff_invite(
    *,
    invited_by: User,
    username: str,
    role: str,
    first_name: str,
    last_name: str,
    email: str,
    sso_identifier: str = "",
) -> User:
    """A docent, assessor or beheerder, without a password, and the activation mail.

    user_create puts a beheerder in the "Beheerders" group (the admin) and marks them staff.
    """
    _require_beheerder(invited_by)
    if role not in STAFF_ROLES:
        raise ValidationError({"role": _("Kies docent, assessor of beheerder.")})
    if not email.strip():
        raise ValidationError({"email": _("Een medewerker heeft een e-mailadres nodig.")})
    username = username.strip()
    _username_free(username)
    user = user_create(
        username=username,
        password=None,
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        sso_identifier=sso_identifier.strip() or None,
    )
    account_activation_send(user=user)
    return user


@transaction.atomic
def student_add(
    *,
    invited_by: User,
    student_number: str,
    first_name: str,
    last_name: str,
    email: str,
    qualification: Qualification,
    started_on: datetime.date,
    cohort: Cohort | None = None,
    sso_identifier: str = "",
) -> User:
    """One student, as the CSV import makes them: the student number is the username, the
    enrolment names the kwalificatie (and with it the dossier version), and with an e-mail
    address the activation mail goes out once this commits. Without one, the student signs
    in with their school account, or the beheerder adds an address later."""
    _require_beheerder(invited_by)
    student_number = student_number.strip()
    _username_free(student_number)
    student = user_create(
        username=student_number,
        password=None,
        role=User.Role.STUDENT,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        sso_identifier=sso_identifier.strip() or None,
    )
    enrolment_create(
        student=student, qualification=qualification, started_on=started_on, cohort=cohort
    )
    if student.email:
        account_activation_send(user=student)
    return student
