"""Who may assess and who may read results. Outsiders get 404, never 403.

- An assessor assesses the students of the klassen they are assigned to (AssessorAssignment,
  managed in the admin), and nobody else's.
- A student reads their own final results; a docent those of the klassen they mentor; an
  assigned assessor those of their students.
"""

from django.db.models import QuerySet
from django.http import Http404

from organisation.models import Enrolment, User


def assessable_enrolments(user) -> QuerySet[Enrolment]:
    if not user.is_authenticated or user.role != User.Role.ASSESSOR:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(cohort__assessor_assignments__assessor=user).distinct()


def result_enrolments(user) -> QuerySet[Enrolment]:
    if not user.is_authenticated:
        return Enrolment.objects.none()
    if user.role == User.Role.STUDENT:
        return Enrolment.objects.filter(student=user)
    if user.role == User.Role.DOCENT:
        return Enrolment.objects.filter(cohort__mentors=user).distinct()
    return assessable_enrolments(user)


def get_enrolment_for_assessor(user, pk: int) -> Enrolment:
    try:
        return (
            assessable_enrolments(user)
            .select_related("student", "qualification__dossier", "cohort")
            .get(pk=pk)
        )
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc


def get_result_enrolment_for_user(user, pk: int) -> Enrolment:
    try:
        return (
            result_enrolments(user).select_related("student", "qualification__dossier").get(pk=pk)
        )
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc


def can_assess(user, enrolment: Enrolment) -> bool:
    return assessable_enrolments(user).filter(pk=enrolment.pk).exists()
