"""Staff find students by name, student number (username) and klas, within what they may see.

Every word of the query must match: the name through the stored, folded sort key (so
"ozturk" finds "Öztürk" and "boer" finds "de Boer", on SQLite and PostgreSQL alike, without
unaccent), the username or a klas name by icontains.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from .models import Enrolment, User
from .names import fold
from .permissions import is_school_wide, visible_enrolments

MAX_WORDS = 5


def can_search_students(user) -> bool:
    return user.is_authenticated and (
        is_school_wide(user) or user.role in {User.Role.DOCENT, User.Role.ASSESSOR}
    )


def _enrolments_seen_by(user) -> QuerySet[Enrolment]:
    # A beheerder runs the whole school; everyone else sees the enrolments the one rule allows.
    return Enrolment.objects.all() if is_school_wide(user) else visible_enrolments(user)


def student_search(*, user: User, q: str) -> QuerySet[User]:
    """Students this user may see matching every word of `q`, in Dutch name order, each with
    `seen_enrolments` (klas and kwalificatie) prefetched: three queries for any page size."""
    if not can_search_students(user):
        return User.objects.none()
    words = q.split()[:MAX_WORDS]
    if not words:
        return User.objects.none()
    seen = _enrolments_seen_by(user)
    students = User.objects.filter(role=User.Role.STUDENT)
    if not is_school_wide(user):
        students = students.filter(pk__in=seen.values("student_id"))
    for word in words:
        in_klas = seen.filter(student=OuterRef("pk"), cohort__name__icontains=word)
        students = students.filter(
            Q(sort_name__contains=fold(word)) | Q(username__icontains=word) | Exists(in_klas)
        )
    return students.prefetch_related(
        Prefetch(
            "enrolments",
            queryset=seen.select_related("cohort", "qualification").order_by("pk"),
            to_attr="seen_enrolments",
        )
    ).order_by("sort_name", "username", "pk")
