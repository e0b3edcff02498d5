"""The assessor's queue and the results list, a page at a time.

An assessor of a whole cohort, or a mentor of several klassen, can have thousands of
students: both lists are paged, and a page reads its own rows only. The queue's cells come
from the progress SQL (progress.py), which counts and orders them in the database.
"""

import math
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from organisation.models import Enrolment, User
from qualifications.models import Werkproces

from . import progress
from .models import Submission
from .permissions import assessable_enrolments, result_enrolments
from .selectors import Stage, progress_for

PAGE_SIZE = 50
MAX_PAGE = 10**9  # a larger number is past the end anyway, and its OFFSET too big for SQL


@dataclass
class QueueRow:
    enrolment: Enrolment
    werkproces: Werkproces
    handed_in: bool  # this assessor has handed in; in 4-ogen mode the other one has not yet


def _wanted(page: str | None) -> int:
    """The page number asked for; anything but a whole number is the first page, as with
    Paginator.get_page (which also turns a number below 1 into the last page)."""
    try:
        return int(page)
    except (TypeError, ValueError):
        return 1


def queue_page(*, user: User, page: str | None) -> tuple[Page, list[QueueRow]]:
    """Signed-off werkprocessen of this assessor's students that await a vaststelling, by
    student and in dossier order: one page of them. The page and the count come from one
    run of the progress SQL; only a page outside the list (an old link) costs a second."""
    students = assessable_enrolments(user)
    number = _wanted(page)
    cells, total = [], None
    if 1 <= number <= MAX_PAGE:
        cells, total = progress.cells_at(
            students, Stage.SIGNED_OFF, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
    if total is None:  # no such page, or nothing waits: the last page there is
        total = progress.count_cells_at(students, Stage.SIGNED_OFF)
        number = max(1, math.ceil(total / PAGE_SIZE))
        if total:
            cells, _total = progress.cells_at(
                students, Stage.SIGNED_OFF, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
            )
    paginator = Paginator([], PAGE_SIZE)
    paginator.count = total  # known: Paginator would otherwise count
    shown = Page(cells, number, paginator)
    enrolments = Enrolment.objects.select_related("student", "qualification").in_bulk(
        {enrolment_id for enrolment_id, _wp in cells}
    )
    werkprocessen = Werkproces.objects.in_bulk({wp for _e, wp in cells})
    handed_in = set(
        Submission.objects.filter(
            assessor=user, beoordeling__enrolment__in=list(enrolments)
        ).values_list("beoordeling__enrolment_id", "beoordeling__werkproces_id")
    )
    return shown, [
        QueueRow(enrolments[e_id], werkprocessen[wp_id], (e_id, wp_id) in handed_in)
        for e_id, wp_id in cells
    ]


@dataclass
class ResultListRow:
    enrolment: Enrolment
    total: int
    signed_off: int
    assessed: int


def results_page(*, user: User, page: str | None) -> tuple[Page, list[ResultListRow]]:
    """The students whose results this user may read, by name, with how far each is: one
    page of them, and the progress of that page's students only."""
    enrolments = (
        result_enrolments(user)
        .select_related("student", "qualification")
        .order_by("student__sort_name", "student__username", "pk")
    )
    shown = Paginator(enrolments, PAGE_SIZE).get_page(page)
    students = list(shown.object_list)
    counts: dict[int, list[int]] = {e.pk: [0, 0, 0] for e in students}
    for (enrolment_id, _wp), state in progress_for(enrolments=students).items():
        counts[enrolment_id][0] += 1
        counts[enrolment_id][1] += state.stage >= Stage.SIGNED_OFF
        counts[enrolment_id][2] += state.stage == Stage.ASSESSED
    return shown, [ResultListRow(e, *counts[e.pk]) for e in students]
