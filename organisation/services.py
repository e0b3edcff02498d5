"""Writes for people, the school, klassen, leerbedrijven, BPV-periodes and enrolments."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualifications.models import Qualification

from . import mail
from .models import (
    AssessorAssignment,
    BpvPeriode,
    Cohort,
    Enrolment,
    Leerbedrijf,
    Praktijkopleider,
    School,
    User,
)
from .roles import beheerders_group


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    sso_identifier: str | None = None,
) -> User:
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        sso_identifier=sso_identifier or None,
    )
    # Beheerders work in the Django admin too.
    user.is_staff = role == User.Role.BEHEERDER
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    if role == User.Role.BEHEERDER:
        user.groups.add(beheerders_group())
    return user


@transaction.atomic
def account_activation_send(*, user: User) -> User:
    """Mail a one-time link to choose a password. Moving activation_sent_at revokes every
    earlier link (tokens.py), so only the newest mail works."""
    if user.has_usable_password():
        raise ValidationError(_("Dit account heeft al een wachtwoord."))
    if not user.email:
        raise ValidationError(_("Dit account heeft geen e-mailadres."))
    if not user.is_active:
        raise ValidationError(_("Dit account is gedeactiveerd."))
    user.activation_sent_at = timezone.now()
    user.save(update_fields=["activation_sent_at"])
    # An outbox row of this transaction: sent after commit, or later if the broker is away.
    mail.invite_queue(user=user)
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, by: User) -> User:
    """Deactivate (or reactivate) an account; its history stays, it can no longer log in."""
    if user.pk == by.pk:
        raise ValidationError(_("Je kunt je eigen account niet deactiveren."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def password_reset_request(*, email: str, users) -> None:
    """Queue a reset mail for each account `users(email)` gives (Django's get_users)."""
    for user in users(email):
        mail.password_reset_queue(user=user)


@transaction.atomic
def user_link_school_account(*, user: User, sso_identifier: str) -> User:
    """Link an account to the school account it signs in with (organisation.sso).

    An account already linked to another school account is refused: moving a login to
    someone else's school account is a beheerder's decision in the admin, not an import's.
    """
    sso_identifier = sso_identifier.strip()
    if user.sso_identifier == sso_identifier:
        return user
    if user.sso_identifier:
        raise ValidationError(
            {
                "sso_identifier": _("%(u)s is al gekoppeld aan schoolaccount %(s)s.")
                % {"u": user.username, "s": user.sso_identifier}
            }
        )
    user.sso_identifier = sso_identifier
    user.full_clean()
    user.save(update_fields=["sso_identifier"])
    return user


@transaction.atomic
def enrolment_create(
    *,
    student: User,
    qualification: Qualification,
    started_on: datetime.date,
    cohort: Cohort | None = None,
) -> Enrolment:
    if student.role != User.Role.STUDENT:
        raise ValidationError(_("Alleen studenten kunnen worden ingeschreven."))
    if cohort is not None and cohort.qualification_id != qualification.pk:
        raise ValidationError({"cohort": _("Deze klas volgt een andere kwalificatie.")})
    if Enrolment.objects.filter(student=student, qualification=qualification).exists():
        raise ValidationError(_("De student is al ingeschreven voor deze kwalificatie."))
    enrolment = Enrolment(
        student=student, qualification=qualification, started_on=started_on, cohort=cohort
    )
    enrolment.full_clean()
    enrolment.save()
    return enrolment


# --- Organisation ---------------------------------------------------------------------------


@transaction.atomic
def school_create(*, name: str, brin: str = "") -> School:
    school = School(name=name, brin=brin)
    school.full_clean()
    school.save()
    return school


@transaction.atomic
def school_update(
    *, school: School, name: str, brin: str = "", badges_on_sign_off: bool = False
) -> School:
    """The school's own settings (the console's school page); django-auditlog records the
    change with old and new values."""
    school.name = name
    school.brin = brin
    school.badges_on_sign_off = badges_on_sign_off
    school.full_clean()
    school.save(update_fields=["name", "brin", "badges_on_sign_off"])
    return school


@transaction.atomic
def cohort_create(
    *,
    school: School,
    name: str,
    start_year: int,
    qualification: Qualification,
    mentors: Iterable[User] = (),
) -> Cohort:
    cohort = Cohort(school=school, name=name, start_year=start_year, qualification=qualification)
    cohort.full_clean()
    cohort.save()
    mentors = list(mentors)
    if any(m.role != User.Role.DOCENT for m in mentors):
        raise ValidationError(_("Alleen docenten kunnen mentor van een klas zijn."))
    cohort.mentors.set(mentors)
    return cohort


def _check_staff(users: list[User], role: str, message: str) -> None:
    if any(u.role != role for u in users):
        raise ValidationError(message)


@transaction.atomic
def cohort_update(
    *,
    cohort: Cohort,
    name: str,
    start_year: int,
    mentors: Iterable[User],
    assessors: Iterable[User],
) -> Cohort:
    """The kwalificatie of a klas does not change: its students are enrolled on it."""
    mentors, assessors = list(mentors), list(assessors)
    _check_staff(mentors, User.Role.DOCENT, _("Alleen docenten kunnen mentor van een klas zijn."))
    _check_staff(assessors, User.Role.ASSESSOR, _("Alleen assessoren kunnen hier worden gekozen."))
    cohort.name = name
    cohort.start_year = start_year
    cohort.full_clean()
    cohort.save()
    cohort.mentors.set(mentors)
    cohort_set_assessors(cohort=cohort, assessors=assessors)
    return cohort


@transaction.atomic
def cohort_set_assessors(*, cohort: Cohort, assessors: Iterable[User]) -> None:
    assessors = list(assessors)
    _check_staff(assessors, User.Role.ASSESSOR, _("Alleen assessoren kunnen hier worden gekozen."))
    keep = {a.pk for a in assessors}
    AssessorAssignment.objects.filter(cohort=cohort).exclude(assessor_id__in=keep).delete()
    have = set(
        AssessorAssignment.objects.filter(cohort=cohort).values_list("assessor_id", flat=True)
    )
    for assessor in assessors:
        if assessor.pk not in have:
            AssessorAssignment.objects.create(cohort=cohort, assessor=assessor)


@transaction.atomic
def enrolment_set_cohort(*, enrolment: Enrolment, cohort: Cohort) -> Enrolment:
    if cohort.qualification_id != enrolment.qualification_id:
        raise ValidationError(_("Deze klas volgt een andere kwalificatie."))
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort"])
    return enrolment


@transaction.atomic
def leerbedrijf_create(*, name: str, sbb_number: str = "") -> Leerbedrijf:
    leerbedrijf = Leerbedrijf(name=name, sbb_number=sbb_number)
    leerbedrijf.full_clean()
    leerbedrijf.save()
    return leerbedrijf


@transaction.atomic
def leerbedrijf_update(*, leerbedrijf: Leerbedrijf, name: str, sbb_number: str = "") -> Leerbedrijf:
    leerbedrijf.name = name
    leerbedrijf.sbb_number = sbb_number
    leerbedrijf.full_clean()
    leerbedrijf.save()
    return leerbedrijf


@transaction.atomic
def praktijkopleider_create(*, user: User, leerbedrijf: Leerbedrijf) -> Praktijkopleider:
    if user.role != User.Role.PRAKTIJKOPLEIDER:
        raise ValidationError(_("Deze gebruiker heeft niet de rol praktijkopleider."))
    praktijkopleider = Praktijkopleider(user=user, leerbedrijf=leerbedrijf)
    praktijkopleider.full_clean()
    praktijkopleider.save()
    return praktijkopleider


@transaction.atomic
def bpv_periode_create(
    *,
    enrolment: Enrolment,
    praktijkopleider: Praktijkopleider,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> BpvPeriode:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("De einddatum ligt voor de begindatum.")})
    periode = BpvPeriode(
        enrolment=enrolment,
        leerbedrijf=praktijkopleider.leerbedrijf,
        praktijkopleider=praktijkopleider,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    periode.full_clean()
    periode.save()
    return periode


# --- Evidence -------------------------------------------------------------------------------
# Exam-relevant history (submissions, reviews, sign-offs) is only ever appended to: the
# current state is the latest event, so there is no path that rewrites or deletes a record.


@transaction.atomic
def praktijkopleider_set_digest(
    *, praktijkopleider: Praktijkopleider, daily_digest: bool
) -> Praktijkopleider:
    praktijkopleider.daily_digest = daily_digest
    praktijkopleider.save(update_fields=["daily_digest"])
    return praktijkopleider
