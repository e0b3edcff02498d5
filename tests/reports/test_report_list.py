"""The reports page: the klassen a person may make a klasrapport of come a page at a time
(a beheerder sees every klas of the school), and their own newest requests."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation import services as organisation_services
from reports import views
from reports.models import ReportJob

pytestmark = pytest.mark.django_db


def add_klassen(world, count: int, start: int) -> None:
    for i in range(start, start + count):
        organisation_services.cohort_create(
            school=world["cohort"].school, name=f"K-{i:03d}", start_year=2026,
            qualification=world["cohort"].qualification,
        )  # fmt: skip


def klas_buttons(response) -> list[str]:
    return re.findall(r"Klasrapport maken<span class=\"visually-hidden\"> ([^<]+)</span>",
                      response.content.decode())  # fmt: skip


def test_a_beheerder_pages_through_every_klas_in_name_order(client, world):
    add_klassen(world, 30, 0)
    client.force_login(world["beheerder"])
    first = client.get(reverse("reports:list"))
    second = client.get(reverse("reports:list"), {"pagina": "2"})
    names = klas_buttons(first) + klas_buttons(second)
    assert len(klas_buttons(first)) == views.COHORTS_PER_PAGE
    assert len(names) == 31 == len(set(names))
    assert names == sorted(names)
    assert "Pagina 2 van 2" in second.content.decode()
    assert client.get(reverse("reports:list"), {"pagina": "x"}).status_code == 200


def test_the_page_queries_do_not_grow_with_klassen_or_requests(client, world):
    client.force_login(world["beheerder"])
    add_klassen(world, 3, 0)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reports:list")).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    add_klassen(world, 40, 3)
    for _ in range(25):
        ReportJob.objects.create(
            kind=ReportJob.Kind.COHORT, cohort=world["cohort"], requested_by=world["beheerder"]
        )
    assert count() == small


def test_only_the_newest_requests_are_listed_and_the_page_says_so(client, world):
    client.force_login(world["docent"])
    jobs = [
        ReportJob.objects.create(
            kind=ReportJob.Kind.COHORT, cohort=world["cohort"], requested_by=world["docent"]
        )
        for _ in range(22)
    ]
    html = client.get(reverse("reports:list")).content.decode()
    assert "Je laatste 20 aanvragen." in html
    assert f'href="/rapporten/{jobs[-1].pk}/"' in html
    assert f'href="/rapporten/{jobs[0].pk}/"' not in html


@pytest.mark.parametrize("role", ["docent", "other_docent", "student", "praktijkopleider"])
def test_others_see_only_their_own_klassen(client, world, role):
    add_klassen(world, 30, 0)
    client.force_login(world[role])
    response = client.get(reverse("reports:list"))
    assert response.status_code == 200
    assert klas_buttons(response) == (["VZ-2A (2026)"] if role == "docent" else [])
    assert "Je laatste" not in response.content.decode()
