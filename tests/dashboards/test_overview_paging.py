"""The klassen overview and the school overview are paged (issue 14): a page works out only
its own klassen, in the same number of queries however many klassen and students there are,
with the same figures as the whole-school selector."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import selectors
from dashboards.selectors import EnrolmentRef, cohort_overview, cohort_overview_page
from organisation import services as organisation_services
from tests.dashboard_fixtures import add_students

pytestmark = pytest.mark.django_db


def _more_klassen(world, count: int, *, students: int = 0, prefix: str = "extra"):
    po = world["praktijkopleider"].praktijkopleider
    made = []
    for n in range(count):
        cohort = organisation_services.cohort_create(
            school=world["cohort"].school,
            name=f"ZZ-{prefix}-{n:02d}",
            start_year=2026,
            qualification=world["cohort"].qualification,
            mentors=[world["docent"]],
        )
        if students:
            add_students(cohort, po, students, prefix=f"{prefix}{n:02d}")
        made.append(cohort)
    return made


def _queries(client, url, query=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_school_overview_is_paged_with_the_same_figures(client, world, monkeypatch):
    monkeypatch.setattr(selectors, "OVERVIEW_PAGE_SIZE", 2)
    _more_klassen(world, 4, students=3)  # five klassen: pages of 2, 2 and 1
    client.force_login(world["beheerder"])
    url = reverse("dashboards:school")
    _n, first = _queries(client, url)
    _n, last = _queries(client, url, {"pagina": 3})
    assert first.count('<th scope="row">') == 2 and last.count('<th scope="row">') == 1
    assert "Pagina 1 van 3" in first and 'href="?pagina=2"' in first
    assert "Pagina 3 van 3" in last

    # Each page's figures are those the whole-school selector gives for its klassen.
    whole = {
        s.cohort.pk: (s.students, s.done, s.behind, dict(s.stages))
        for s in cohort_overview(user=world["beheerder"])
    }
    shown = {}
    for page_number in (1, 2, 3):
        page, summaries = cohort_overview_page(user=world["beheerder"], page=page_number)
        assert len(summaries) == len(page.object_list)
        shown.update(
            {s.cohort.pk: (s.students, s.done, s.behind, dict(s.stages)) for s in summaries}
        )
    assert shown == whole and len(whole) == 5


def test_overview_pages_cost_the_same_queries_for_more_klassen_and_students(
    client, world, monkeypatch
):
    monkeypatch.setattr(selectors, "OVERVIEW_PAGE_SIZE", 3)
    client.force_login(world["beheerder"])
    school = reverse("dashboards:school")
    small = _queries(client, school)[0]
    client.force_login(world["docent"])
    mine = _queries(client, reverse("dashboards:cohorts"))[0]
    _more_klassen(world, 6, students=5, prefix="groot")
    assert _queries(client, reverse("dashboards:cohorts"))[0] == mine
    client.force_login(world["beheerder"])
    assert _queries(client, school)[0] == small
    assert _queries(client, school, {"pagina": 2})[0] == small


def test_klassen_page_keeps_the_kwalificatie_filter_in_its_page_links(client, world, monkeypatch):
    monkeypatch.setattr(selectors, "OVERVIEW_PAGE_SIZE", 1)
    _more_klassen(world, 1)
    client.force_login(world["docent"])
    qualification = world["cohort"].qualification_id
    _n, page = _queries(client, reverse("dashboards:cohorts"), {"kwalificatie": qualification})
    assert f'href="?kwalificatie={qualification}&amp;pagina=2"' in page


def test_a_rows_enrolment_equals_the_model_it_stands_for(world):
    enrolment = world["cohort"].enrolments.select_related("student").first()
    student = enrolment.student
    ref = EnrolmentRef(
        enrolment.pk,
        selectors.StudentRef(student.username, student.first_name, student.last_name),
    )
    assert ref == enrolment and enrolment == ref and [enrolment] == [ref]
    assert ref.student.display_name == student.display_name
    assert ref != EnrolmentRef(enrolment.pk + 1, ref.student)
