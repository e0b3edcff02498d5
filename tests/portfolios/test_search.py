"""Search: staff find students by name, number and klas within what they may see; a student
finds only their own evidence; everyone else has no search (404). Constant queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation import services as organisation_services
from organisation.models import AssessorAssignment, User
from portfolios import services as portfolio_services
from tests.portfolio_fixtures import make_evidence

pytestmark = pytest.mark.django_db

URL = reverse("search")


@pytest.fixture
def sworld(world):
    """The world's student renamed Ali Öztürk (klas VZ-2A, mentor docent, assessor assigned);
    student2 Jan de Boer in no klas (only their praktijkopleider and the beheerder see them)."""
    for user, (first, last) in [(world["student"], ("Ali", "Öztürk")),
                                (world["student2"], ("Jan", "de Boer"))]:  # fmt: skip
        user.first_name, user.last_name = first, last
        user.refresh_sort_name()
        user.save(update_fields=["first_name", "last_name", "sort_name"])
    AssessorAssignment.objects.create(assessor=world["assessor"], cohort=world["cohort"])
    return world


def search(client, user, q):
    client.force_login(user)
    return client.get(URL, {"q": q})


@pytest.mark.parametrize("q", ["ozturk", "Öztürk", "ali", "student", "vz-2a", "Ali Oz"])
@pytest.mark.parametrize("who", ["docent", "assessor", "beheerder"])
def test_staff_find_their_students_by_name_number_and_klas(client, sworld, who, q):
    response = search(client, sworld[who], q)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ali Öztürk" in body, (who, q)
    assert "Jan de Boer" not in body or who == "beheerder"


def test_outside_their_klassen_staff_find_nobody(client, sworld):
    assert "Jan de Boer" not in search(client, sworld["docent"], "boer").content.decode()
    assert "Ali Öztürk" not in search(client, sworld["other_docent"], "ozturk").content.decode()
    assert "Jan de Boer" in search(client, sworld["beheerder"], "boer").content.decode()


def test_staff_results_link_where_they_may_go(client, sworld):
    body = search(client, sworld["docent"], "ozturk").content.decode()
    assert reverse("portfolios:portfolio", args=[sworld["enrolment"].pk]) in body
    body = search(client, sworld["beheerder"], "ozturk").content.decode()
    assert reverse("console:student", args=[sworld["student"].pk]) in body


def test_student_finds_only_their_own_evidence(client, sworld):
    make_evidence(sworld, title="Verslag wondzorg")
    make_evidence(sworld, student="student2", title="Verslag wondzorg van een ander")
    body = search(client, sworld["student"], "wondzorg").content.decode()
    assert "Verslag wondzorg" in body and "van een ander" not in body
    # Staff search finds students, never evidence text.
    assert "Verslag wondzorg" not in search(client, sworld["docent"], "wondzorg").content.decode()
    # A student does not find other students.
    assert "Jan de Boer" not in search(client, sworld["student"], "boer").content.decode()
    assert "Ik heb geleerd" not in search(client, sworld["outsider"], "geleerd").content.decode()
    assert "Verslag" in search(client, sworld["student"], "nauwkeurig").content.decode()


@pytest.mark.parametrize("who", ["praktijkopleider", "early_po"])
def test_praktijkopleider_has_no_search(client, sworld, who):
    assert search(client, sworld[who], "ozturk").status_code == 404


def test_outsider_finds_nothing_and_post_is_405_and_anonymous_logs_in(client, sworld):
    response = search(client, sworld["outsider"], "wondzorg")
    assert response.status_code == 200 and "0 resultaten" in response.content.decode()
    assert client.post(URL, {"q": "x"}).status_code == 405
    client.logout()
    assert client.get(URL, {"q": "x"}).status_code == 302


def test_navbar_has_the_search_box_for_roles_that_search(client, sworld):
    for who, has in [("student", True), ("docent", True), ("assessor", True),
                     ("beheerder", True), ("praktijkopleider", False)]:  # fmt: skip
        client.force_login(sworld[who])
        body = client.get(reverse("notifications:list")).content.decode()
        assert ('id="nav-search-q"' in body) is has, who


def test_empty_and_odd_queries_are_calm(client, sworld):
    for q in ["", "   ", "%", "_", "'; drop table", "x" * 500]:
        response = search(client, sworld["beheerder"], q)
        assert response.status_code == 200, q


def _add_students(world, n, prefix):
    for i in range(n):
        user = organisation_services.user_create(
            username=f"{prefix}{i:03d}", password=None, role=User.Role.STUDENT,
            first_name="Zoek", last_name=f"Leerling {i}",
        )  # fmt: skip
        enrolment = organisation_services.enrolment_create(
            student=user, qualification=world["cohort"].qualification,
            started_on=datetime.date(2026, 9, 1),
        )  # fmt: skip
        organisation_services.enrolment_set_cohort(enrolment=enrolment, cohort=world["cohort"])


@pytest.mark.parametrize("who", ["docent", "assessor", "beheerder"])
def test_student_search_runs_the_same_queries_for_5_and_50(client, sworld, who):
    client.force_login(sworld[who])
    counts = []
    for n, prefix in [(5, "a"), (45, "b")]:
        _add_students(sworld, n, prefix)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, {"q": "zoek"})
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    assert response.content.decode().count('class="list-group-item"') == 25  # one page


def test_evidence_search_runs_the_same_queries_for_5_and_50(client, sworld):
    client.force_login(sworld["student"])
    counts = []
    for start, n in [(0, 5), (5, 45)]:
        for i in range(start, start + n):
            portfolio_services.evidence_create(
                student=sworld["student"], enrolment=sworld["enrolment"], werkproces=sworld["w1"],
                title=f"Zoekbaar {i}", reflection="", date=datetime.date(2026, 10, 1),
                links=["https://example.invalid/"],
            )  # fmt: skip
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, {"q": "zoekbaar"})
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    assert response.content.decode().count("Zoekbaar ") == 25
