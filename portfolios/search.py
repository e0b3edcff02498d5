"""Search: staff find students (organisation.search), a student finds their own evidence.

One page at /zoeken/ for the roles that have a search box; for anyone else it does not exist
(404). Plain icontains on both databases; names also match folded (see organisation.search).
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from organisation.models import User
from organisation.permissions import is_school_wide
from organisation.search import MAX_WORDS, can_search_students, student_search

from .models import Evidence, EvidenceStatus
from .permissions import visible_evidence
from .selectors import status_of, with_status

PAGE_SIZE = 25
MAX_QUERY = 100


def can_search(user) -> bool:
    return user.is_authenticated and (user.role == User.Role.STUDENT or can_search_students(user))


def evidence_search(*, user: User, q: str) -> QuerySet[Evidence]:
    """The student's own bewijsstukken whose title or reflection holds every word of `q`
    (the working copy: it is their own text). Nobody else searches evidence here."""
    if not user.is_authenticated or user.role != User.Role.STUDENT:
        return Evidence.objects.none()
    words = q.split()[:MAX_WORDS]
    if not words:
        return Evidence.objects.none()
    qs = visible_evidence(user).filter(enrolment__student=user)
    for word in words:
        qs = qs.filter(Q(title__icontains=word) | Q(reflection__icontains=word))
    return with_status(qs).select_related("werkproces").order_by("-date", "-pk")


@require_GET
@login_required
def search(request):
    user = request.user
    if not can_search(user):
        raise Http404
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    students = can_search_students(user)  # staff (a superuser too); otherwise a student
    qs = student_search(user=user, q=q) if students else evidence_search(user=user, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    if not students:
        for evidence in page.object_list:
            evidence.status = status_of(evidence)
            evidence.status_label = EvidenceStatus(evidence.status).label
    return render(
        request,
        "portfolios/search.html",
        {
            "q": q,
            "students": students,
            "page_obj": page,
            "page_query": urlencode({"q": q}) + "&",
            # A beheerder opens the student in the console; the others open the portfolio.
            "console_links": is_school_wide(user),
        },
    )
