"""The klas of a new student or a new inschrijving is typed, not picked from a <select> of
every klas (a ROC of 40 000 students has some 1 600): by name, "name (startjaar)" or "name
(startjaar, school)", with suggestions as the beheerder types. A key that fits no klas or
more than one is refused and nothing is written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation import lookups, services
from organisation.models import Cohort, Enrolment

pytestmark = pytest.mark.django_db


def add_klassen(world, count: int, *, year: int = 2025, school=None) -> list[Cohort]:
    return [
        services.cohort_create(
            school=school or world["cohort"].school,
            name=f"BK-{i:03d}",
            start_year=year,
            qualification=world["cohort"].qualification,
        )
        for i in range(count)
    ]


def enrol(client, student, klas: str, qualification):
    return client.post(
        reverse("console:student_enrol", args=[student.pk]),
        {"qualification": qualification.pk, "started_on": "2026-09-01", "cohort": klas},
    )


@pytest.mark.parametrize(
    "typed", ["BK-007", "bk-007", "BK-007 (2025)", "BK-007 (2025, Testcollege)", "bk-007(2025)"]
)
def test_a_klas_by_name_year_or_full_key(client, world, tree, typed):
    client.force_login(world["beheerder"])
    klassen = add_klassen(world, 10)
    response = enrol(client, world["outsider"], typed, tree["p1"])
    assert response.status_code == 302
    assert Enrolment.objects.get(student=world["outsider"]).cohort == klassen[7]


def test_the_same_name_in_two_years_or_schools_needs_the_key(client, world, tree):
    client.force_login(world["beheerder"])
    add_klassen(world, 1, year=2025)
    add_klassen(world, 1, year=2026)
    other = services.school_create(name="Ander College")
    elsewhere = add_klassen(world, 1, year=2026, school=other)[0]
    for typed in ("BK-000", "BK-000 (2026)"):
        response = enrol(client, world["outsider"], typed, tree["p1"])
        assert response.status_code == 400
        assert "Meer dan één klas heet zo" in response.content.decode()
        assert not Enrolment.objects.filter(student=world["outsider"]).exists()
    # What the suggestions fill in always names one klas.
    assert (
        enrol(client, world["outsider"], lookups.cohort_key(elsewhere), tree["p1"]).status_code
        == 302
    )
    assert Enrolment.objects.get(student=world["outsider"]).cohort == elsewhere


def test_a_klas_whose_name_looks_like_a_key(client, world, tree):
    client.force_login(world["beheerder"])
    odd = services.cohort_create(
        school=world["cohort"].school, name="Avond (2024)", start_year=2026,
        qualification=tree["p1"],
    )  # fmt: skip
    assert enrol(client, world["outsider"], "Avond (2024)", tree["p1"]).status_code == 302
    assert Enrolment.objects.get(student=world["outsider"]).cohort == odd


@pytest.mark.parametrize(
    "typed", ["niemand", "BK-001 (1999)", "BK-001 (2025, Elders)", "%", "x" * 300]
)
def test_an_unknown_klas_is_refused_and_nothing_written(client, world, tree, typed):
    client.force_login(world["beheerder"])
    add_klassen(world, 3)
    response = enrol(client, world["outsider"], typed, tree["p1"])
    assert response.status_code == 400
    assert not Enrolment.objects.filter(student=world["outsider"]).exists()
    response = client.post(
        reverse("console:student_create"),
        {"username": "600001", "first_name": "A", "last_name": "B", "cohort": typed,
         "qualification": tree["p1"].pk, "started_on": "2026-09-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert not Enrolment.objects.filter(student__username="600001").exists()


def test_the_student_pages_hold_no_select_of_every_klas(client, world):
    client.force_login(world["beheerder"])
    pages = [
        reverse("console:student", args=[world["student"].pk]),
        reverse("console:student_create"),
    ]

    def measure():
        out = []
        for url in pages:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200
            out.append((len(ctx.captured_queries), len(response.content)))
        return out

    few = measure()
    add_klassen(world, 80)
    assert measure() == few
    html = client.get(pages[0]).content.decode()
    assert "BK-040" not in html
    assert 'list="klas-suggesties"' in html


def test_suggestions_newest_first_by_name_or_kwalificatie(client, world):
    client.force_login(world["beheerder"])
    add_klassen(world, 25, year=2025)
    add_klassen(world, 2, year=2026)
    url = reverse("console:cohort_suggestions")
    html = client.get(url, {"cohort": "bk-"}).content.decode()
    assert html.count("<option") == lookups.SUGGESTIONS
    assert (
        html.index("BK-000 (2026, Testcollege)")
        < html.index("BK-001 (2026")
        < html.index("BK-000 (2025")
    )
    title = world["cohort"].qualification.title
    assert f"BK-000 · {title}" in html
    by_title = client.get(url, {"cohort": title[:6]}).content.decode()
    assert by_title.count("<option") == lookups.SUGGESTIONS
    assert "<option" not in client.get(url, {"cohort": "b"}).content.decode()
