"""Who may see which person, klas and enrolment. One helper per model; outsiders get 404.

- The student sees their own enrolment.
- A praktijkopleider sees the students of their BPV-periodes, from the first day of that
  period on.
- A docent sees the students of the klassen they mentor; an assessor those of the klassen
  assigned to them; a beheerder runs the whole school.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from qualifications.models import Qualification

from .models import BpvPeriode, Cohort, Enrolment, User


def _started_bpv_periodes(user) -> QuerySet[BpvPeriode]:
    return BpvPeriode.objects.filter(
        praktijkopleider__user=user, starts_on__lte=timezone.localdate()
    )


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
    """The started BPV-periode in which this user is the student's praktijkopleider."""
    if not user.is_authenticated or user.role != User.Role.PRAKTIJKOPLEIDER:
        return None
    return (
        _started_bpv_periodes(user)
        .filter(enrolment=enrolment)
        .select_related("leerbedrijf")
        .order_by("-starts_on")
        .first()
    )


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
