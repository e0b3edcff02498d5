"""Who may see which person, klas and enrolment. One helper per model; outsiders get 404.

- The student sees their own enrolment.
- A praktijkopleider sees the students of their BPV-periodes by one rule (`bpv_access`):
  from starts_on to ends_on they see and act; for BEKWAAM_BPV_GRACE_DAYS after ends_on they
  still see the portfolio and may review evidence submitted within the period, but sign
  nothing off; after that the student does not exist for them (404, no mail).
- A docent sees the students of the klassen they mentor; an assessor those of the klassen
  assigned to them; a beheerder runs the whole school.
"""

import datetime
import enum

from django.conf import settings
from django.db.models import Exists, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qualifications.models import Qualification

from .models import BpvPeriode, Cohort, Enrolment, ImportJob, User


class BpvAccess(enum.Enum):
    NONE = "none"  # before starts_on, or past the grace period: the student does not exist
    ACTING = "acting"  # starts_on..ends_on: see, review, sign off, mark feasibility
    GRACE = "grace"  # ends_on..ends_on + grace: see, review evidence submitted in the period


def grace_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.BEKWAAM_BPV_GRACE_DAYS)


def bpv_access(periode: BpvPeriode, today: datetime.date | None = None) -> BpvAccess:
    """The one rule for what a praktijkopleider may do in this BPV-periode today."""
    today = today or timezone.localdate()
    if periode.starts_on > today:
        return BpvAccess.NONE
    if periode.ends_on is None or today <= periode.ends_on:
        return BpvAccess.ACTING
    if today <= periode.ends_on + grace_period():
        return BpvAccess.GRACE
    return BpvAccess.NONE


def bpv_allows_review(
    periode: BpvPeriode, submitted_on: datetime.date | None, today: datetime.date | None = None
) -> bool:
    """May evidence submitted on `submitted_on` be reviewed under this periode today?

    During the period everything the student submitted; in the grace period only what was
    submitted within the period (None asks whether anything at all could be reviewed).
    """
    access = bpv_access(periode, today)
    if access is BpvAccess.ACTING:
        return True
    if access is BpvAccess.GRACE:
        return submitted_on is None or periode.starts_on <= submitted_on <= periode.ends_on
    return False


def acting_bpv_q(today: datetime.date) -> Q:
    # The query form of bpv_access() == ACTING; tests check both agree.
    return Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def _open_q(today: datetime.date) -> Q:
    # The query form of bpv_access() != NONE (acting or in the grace period).
    return Q(starts_on__lte=today) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=today - grace_period())
    )


def open_bpv_periodes(today: datetime.date | None = None) -> QuerySet[BpvPeriode]:
    """BPV-periodes whose praktijkopleider may still see the student (acting or grace)."""
    return BpvPeriode.objects.filter(_open_q(today or timezone.localdate()))


def acting_bpv_periodes(today: datetime.date | None = None) -> QuerySet[BpvPeriode]:
    """BPV-periodes whose praktijkopleider may act (sign off, feasibility) today."""
    return BpvPeriode.objects.filter(acting_bpv_q(today or timezone.localdate()))


def reviewable_q(user, *, enrolment, day) -> Q:
    """The query form of bpv_allows_review() for this praktijkopleider: `enrolment` and `day`
    (when the evidence was submitted) are expressions, usually OuterRef()s."""
    mine = BpvPeriode.objects.filter(praktijkopleider__user=user, enrolment=enrolment)
    today = timezone.localdate()
    return Exists(mine.filter(acting_bpv_q(today))) | Exists(
        mine.filter(_open_q(today), starts_on__lte=day, ends_on__gte=day)
    )


def _started_bpv_periodes(user) -> QuerySet[BpvPeriode]:
    return open_bpv_periodes().filter(praktijkopleider__user=user)


def visible_enrolments(user) -> QuerySet[Enrolment]:
    if not user.is_authenticated:
        return Enrolment.objects.none()
    if user.role == User.Role.STUDENT:
        return Enrolment.objects.filter(student=user)
    if user.role == User.Role.PRAKTIJKOPLEIDER:
        return Enrolment.objects.filter(pk__in=_started_bpv_periodes(user).values("enrolment_id"))
    if user.role == User.Role.DOCENT:
        return Enrolment.objects.filter(cohort__mentors=user)
    if user.role == User.Role.ASSESSOR:
        # Assessors read the submitted evidence of the klassen assigned to them
        # (assessments.AssessorAssignment), read-only like a mentor.
        return Enrolment.objects.filter(cohort__assessor_assignments__assessor=user)
    return Enrolment.objects.none()


def get_enrolment_for_user(user, pk: int) -> Enrolment:
    try:
        return (
            visible_enrolments(user).select_related("student", "qualification__dossier").get(pk=pk)
        )
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc


def is_owner(user, enrolment: Enrolment) -> bool:
    return user.is_authenticated and enrolment.student_id == user.pk


def current_bpv_of(user, enrolment: Enrolment) -> BpvPeriode | None:
    """The BPV-periode in which this user may act (sign off, withdraw, feasibility) today."""
    if not user.is_authenticated or user.role != User.Role.PRAKTIJKOPLEIDER:
        return None
    return (
        acting_bpv_periodes()
        .filter(praktijkopleider__user=user, enrolment=enrolment)
        .select_related("leerbedrijf")
        .order_by("-starts_on")
        .first()
    )


def review_bpv_of(
    user, enrolment: Enrolment, submitted_on: datetime.date | None = None
) -> BpvPeriode | None:
    """The BPV-periode under which this user may review evidence submitted on that day."""
    if not user.is_authenticated or user.role != User.Role.PRAKTIJKOPLEIDER:
        return None
    today = timezone.localdate()
    periodes = _started_bpv_periodes(user).filter(enrolment=enrolment).order_by("-starts_on")
    for periode in periodes.select_related("leerbedrijf"):
        if bpv_allows_review(periode, submitted_on, today):
            return periode
    return None


def is_school_wide(user) -> bool:
    """Beheerders act as teamleider: they see every klas of the school."""
    return user.is_authenticated and user.is_beheerder


def visible_cohorts(user) -> QuerySet[Cohort]:
    """The klassen whose dashboard and klasrapport this user may open: a beheerder all of
    them, a docent those they mentor, an assessor those assigned to them."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    if is_school_wide(user):
        return Cohort.objects.all()
    if user.role == User.Role.DOCENT:
        return Cohort.objects.filter(mentors=user).distinct()
    if user.role == User.Role.ASSESSOR:
        return Cohort.objects.filter(assessor_assignments__assessor=user).distinct()
    return Cohort.objects.none()


def get_cohort_for_user(user, pk: int) -> Cohort:
    try:
        return visible_cohorts(user).select_related("qualification", "school").get(pk=pk)
    except Cohort.DoesNotExist as exc:
        raise Http404 from exc


def get_import_job_for_user(user, pk: int) -> ImportJob:
    """A student import: the school's beheerders see each other's (one of them may finish
    what another started); for anyone else it does not exist."""
    if not (user.is_authenticated and user.is_beheerder):
        raise Http404
    try:
        return ImportJob.objects.select_related("requested_by").get(pk=pk)
    except ImportJob.DoesNotExist as exc:
        raise Http404 from exc


def visible_qualifications(user):
    """The kwalificaties this user may browse (registered with qualifications.permissions).

    School staff see every dossier; a student sees only the kwalificaties they are enrolled
    on, so a student of one profiel never reads another profiel's additions; a
    praktijkopleider those of the students they may see.
    """
    if not user.is_authenticated:
        return Qualification.objects.none()
    if user.is_school_staff:
        return Qualification.objects.all()
    return Qualification.objects.filter(pk__in=visible_enrolments(user).values("qualification_id"))
