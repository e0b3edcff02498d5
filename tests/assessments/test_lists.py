"""The assessor's queue and the results list come a page at a time: each page holds its own
rows in a fixed order, every row is on exactly one page, and a page runs the same number
of queries whichever page it is and however many students there are."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import lists
from assessments.permissions import assessable_enrolments
from assessments.selectors import Stage, progress_for
from organisation.models import Enrolment
from portfolios.models import SignOffEvent
from qualifications.models import Werkproces
from tests.assessment_fixtures import add_students

pytestmark = pytest.mark.django_db

PAGE = 4


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(lists, "PAGE_SIZE", PAGE)


def queries(func):
    with CaptureQueriesContext(connection) as ctx:
        result = func()
    return len(ctx.captured_queries), result


def expected_queue(assessor) -> list[tuple[int, int]]:
    """What the queue must list, from progress_for() (the one rule for how far a student
    is), in the queue's order: by student, then in dossier order."""
    progress = progress_for(enrolments=assessable_enrolments(assessor))
    enrolments = Enrolment.objects.select_related("student").in_bulk({e for e, _wp in progress})
    werkprocessen = Werkproces.objects.select_related("kerntaak").in_bulk(
        {wp for _e, wp in progress}
    )

    def order(cell):
        enrolment, wp = enrolments[cell[0]], werkprocessen[cell[1]]
        student = enrolment.student
        return (student.sort_name, student.username, enrolment.pk, wp.kerntaak.position,
                wp.kerntaak.code, wp.position, wp.code)  # fmt: skip

    return sorted(
        (cell for cell, state in progress.items() if state.stage == Stage.SIGNED_OFF), key=order
    )


def test_queue_pages_hold_every_signed_off_werkproces_once_in_order(aworld, small_pages):
    add_students(aworld, 34, 0)
    assessor = aworld["assessor"]
    expected = expected_queue(assessor)
    assert len(expected) == 9  # s3, s7, ... s31 and the fixture's student

    got, counts = [], set()
    for number in (1, 2, 3):
        n, (page, rows) = queries(lambda n=number: lists.queue_page(user=assessor, page=str(n)))
        assert page.number == number
        assert page.paginator.count == 9
        assert len(rows) == (PAGE if number < 3 else 1)
        counts.add(n)
        got += [(row.enrolment.pk, row.werkproces.pk) for row in rows]
    assert got == expected
    assert len(counts) == 1, "every page runs the same queries"


def test_queue_leaves_out_werkprocessen_of_another_profiel(aworld):
    # A sign-off on P2's werkproces for a student of P1 (imported data, a moved student):
    # progress_for() counts only the student's own kwalificatie, and so must the queue.
    p2 = Werkproces.objects.get(code="P2-K1-W1")
    SignOffEvent.objects.create(
        enrolment=aworld["enrolment"], werkproces=p2, kind="signed",
        actor=aworld["praktijkopleider"], actor_name="po", actor_role="praktijkopleider",
    )  # fmt: skip
    page, rows = lists.queue_page(user=aworld["assessor"], page=None)
    assert [(r.enrolment.pk, r.werkproces.code) for r in rows] == [
        (aworld["enrolment"].pk, "B1-K1-W1")
    ]
    assert page.paginator.count == 1


def test_queue_page_queries_do_not_grow_with_students(client, aworld, small_pages):
    client.force_login(aworld["assessor"])
    add_students(aworld, 8, 0)
    small, response = queries(lambda: client.get(reverse("assessments:queue")))
    assert response.status_code == 200
    add_students(aworld, 40, 8)
    large, response = queries(lambda: client.get(reverse("assessments:queue") + "?pagina=3"))
    assert response.status_code == 200
    assert small == large
    html = response.content.decode()
    assert "13 werkprocessen wachten op beoordeling." in html
    assert "Pagina 3 van 4" in html
    assert len(re.findall(r'href="/beoordelen/\d+/', html)) == PAGE


@pytest.mark.parametrize(
    "pagina", ["", "abc", "-1", "0", "999", "2.5", "1e309", "9" * 30, "\u0661"]
)
def test_bad_page_numbers_give_a_page_not_an_error(client, aworld, small_pages, pagina):
    add_students(aworld, 20, 0)
    for user, name in ((aworld["assessor"], "queue"), (aworld["docent"], "results_list")):
        client.force_login(user)
        response = client.get(reverse(f"assessments:{name}"), {"pagina": pagina})
        assert response.status_code == 200, (name, pagina)
        assert re.search(r"Pagina \d van \d", response.content.decode())


def test_a_queue_page_and_its_count_come_from_one_run_of_the_progress_sql(aworld, small_pages):
    add_students(aworld, 34, 0)
    last = None
    for pagina in ("1", "3", "999"):
        with CaptureQueriesContext(connection) as ctx:
            page, rows = lists.queue_page(user=aworld["assessor"], page=pagina)
        runs = sum("facts" in q["sql"] for q in ctx.captured_queries)
        assert page.paginator.count == 9
        if pagina != "999":
            assert runs == 1, pagina
            last = rows
        else:  # an old link past the end: counted first, then the last page
            assert page.number == 3
            assert [(r.enrolment.pk, r.werkproces.pk) for r in rows] == [
                (r.enrolment.pk, r.werkproces.pk) for r in last
            ]


def test_results_list_pages_by_name_with_each_students_counts(client, aworld, small_pages):
    add_students(aworld, 10, 0)
    docent = aworld["docent"]
    enrolments = Enrolment.objects.filter(cohort__mentors=docent).select_related("student")
    expected = [
        e.pk
        for e in sorted(enrolments, key=lambda e: (e.student.sort_name, e.student.username, e.pk))
    ]
    progress = progress_for(enrolments=enrolments)
    got, counts = [], set()
    for number in (1, 2, 3):
        n, (page, rows) = queries(lambda n=number: lists.results_page(user=docent, page=str(n)))
        counts.add(n)
        assert page.paginator.count == len(expected) == 11  # and the fixture's student
        for row in rows:
            cells = [s for (e, _wp), s in progress.items() if e == row.enrolment.pk]
            assert row.total == len(cells) > 0
            assert row.signed_off == sum(s.stage >= Stage.SIGNED_OFF for s in cells)
            assert row.assessed == sum(s.stage == Stage.ASSESSED for s in cells)
        got += [row.enrolment.pk for row in rows]
    assert got == expected
    assert len(counts) == 1
    by_student = {row.enrolment.student.username: row for row in lists.results_page(
        user=docent, page="1")[1] + lists.results_page(user=docent, page="2")[1]}  # fmt: skip
    assert (by_student["s1"].signed_off, by_student["s1"].assessed) == (1, 1)
    assert (by_student["s3"].signed_off, by_student["s3"].assessed) == (1, 0)


def test_results_list_queries_do_not_grow_with_students(client, aworld, small_pages):
    client.force_login(aworld["docent"])
    add_students(aworld, 6, 0)
    small, response = queries(lambda: client.get(reverse("assessments:results_list")))
    assert response.status_code == 200
    add_students(aworld, 40, 6)
    large, response = queries(lambda: client.get(reverse("assessments:results_list") + "?pagina=5"))
    assert response.status_code == 200
    assert small == large
    html = response.content.decode()
    assert "47 studenten." in html
    assert len(re.findall(r'href="/resultaten/\d+/', html)) == PAGE
