"""A new BPV-periode in the beheer console: first the student, found by search over every
inschrijving a page at a time (a school has thousands: no <select> of them all), or by the
link on the student's page; then the praktijkopleider and the dates."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation import services
from organisation.models import BpvPeriode, User

pytestmark = pytest.mark.django_db

URL = reverse("console:bpv_create")


def add_students(world, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        student = User.objects.create(
            username=f"n{i:03d}", first_name="Noor", last_name=f"Bakker{i:03d}",
            role=User.Role.STUDENT, sort_name=f"bakker{i:03d} noor",
        )  # fmt: skip
        services.enrolment_create(
            student=student, qualification=world["cohort"].qualification,
            started_on=datetime.date(2026, 9, 1),
        )  # fmt: skip


def choices(response) -> list[str]:
    return re.findall(r'href="\?inschrijving=(\d+)"', response.content.decode())


def queries(func):
    with CaptureQueriesContext(connection) as ctx:
        response = func()
    return len(ctx.captured_queries), response


def test_the_student_is_chosen_from_a_paged_search_not_a_select(client, world):
    client.force_login(world["beheerder"])
    add_students(world, 5)
    small, response = queries(lambda: client.get(URL))
    assert response.status_code == 200
    assert len(choices(response)) == 7  # and student, student2
    add_students(world, 60, 5)
    large, response = queries(lambda: client.get(URL))
    assert small == large
    html = response.content.decode()
    assert len(choices(response)) == 25 and "Pagina 1 van 3" in html
    assert not re.search(r"<option[^>]*>[^<]*Bakker", html)
    found = client.get(URL, {"q": "bakker042"})
    assert len(choices(found)) == 1
    assert client.get(URL, {"q": "niemand"}).content.decode().count("Niets gevonden.") == 1


def test_a_chosen_student_gets_the_form_and_the_periode_is_made(client, world):
    client.force_login(world["beheerder"])
    enrolment = world["enrolment2"]
    response = client.get(URL, {"inschrijving": enrolment.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "student2" in html and "Andere student kiezen" in html
    assert f'type="hidden" name="enrolment" value="{enrolment.pk}"' in html
    assert not re.search(r"<option[^>]*>[^<]*student2", html)
    response = client.post(
        URL,
        {
            "enrolment": enrolment.pk,
            "praktijkopleider": "praktijkopleider",
            "starts_on": "2026-10-01",
            "ends_on": "2027-01-31",
        },
    )
    assert response.status_code == 302
    assert BpvPeriode.objects.filter(
        enrolment=enrolment, ends_on=datetime.date(2027, 1, 31)
    ).exists()


def test_bad_dates_show_the_form_again_for_the_same_student_and_write_nothing(client, world):
    client.force_login(world["beheerder"])
    before = BpvPeriode.objects.count()
    response = client.post(
        URL,
        {
            "enrolment": world["enrolment2"].pk,
            "praktijkopleider": "praktijkopleider",
            "starts_on": "2026-10-01",
            "ends_on": "2026-09-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "De einddatum ligt voor de begindatum." in html
    assert f'name="enrolment" value="{world["enrolment2"].pk}"' in html
    assert BpvPeriode.objects.count() == before


@pytest.mark.parametrize("enrolment", ["", "abc", "999999", "99999999999999999999999"])
def test_no_or_an_unknown_student_asks_for_the_student_and_writes_nothing(client, world, enrolment):
    client.force_login(world["beheerder"])
    before = BpvPeriode.objects.count()
    response = client.post(
        URL,
        {
            "enrolment": enrolment,
            "praktijkopleider": "praktijkopleider",
            "starts_on": "2026-10-01",
        },
    )
    assert response.status_code == 400
    assert "Kies eerst de student voor wie de BPV-periode is." in response.content.decode()
    assert choices(response)
    assert BpvPeriode.objects.count() == before
    page = client.get(URL, {"inschrijving": enrolment})
    assert page.status_code == 200 and choices(page)


def test_the_students_page_links_each_inschrijving_to_the_form(client, world):
    client.force_login(world["beheerder"])
    html = client.get(reverse("console:student", args=[world["student"].pk])).content.decode()
    assert f'href="{URL}?inschrijving={world["enrolment"].pk}"' in html


@pytest.mark.parametrize("role", ["student", "praktijkopleider", "docent", "assessor", "outsider"])
def test_everyone_else_gets_404(client, world, role):
    client.force_login(world[role])
    assert client.get(URL, {"inschrijving": world["enrolment"].pk}).status_code == 404
    assert client.get(URL, {"q": "student"}).status_code == 404


def add_praktijkopleiders(world, count: int) -> None:
    for i in range(count):
        user = User.objects.create(
            username=f"po{i:03d}", first_name="Piet", last_name=f"Opleider{i:03d}",
            email=f"piet{i:03d}@voorbeeld.invalid", role=User.Role.PRAKTIJKOPLEIDER,
            sort_name=f"opleider{i:03d} piet",
        )  # fmt: skip
        services.praktijkopleider_create(user=user, leerbedrijf=world["leerbedrijf"])


def test_the_praktijkopleider_is_typed_not_picked_from_every_one(client, world):
    client.force_login(world["beheerder"])
    add_praktijkopleiders(world, 30)
    periode = world["enrolment"].bpv_periodes.order_by("pk").first()
    for url in (URL + f"?inschrijving={world['enrolment2'].pk}",
                reverse("console:bpv_edit", args=[periode.pk])):  # fmt: skip
        html = client.get(url).content.decode()
        assert "Opleider0" not in html, url
        field = re.search(r"<input[^>]*name=\"praktijkopleider\"[^>]*>", html).group(0)
        assert 'list="praktijkopleider-suggesties"' in field
        assert f'hx-get="{reverse("console:praktijkopleider_suggestions")}"' in field
        assert '<datalist id="praktijkopleider-suggesties">' in html
    edit = client.get(reverse("console:bpv_edit", args=[periode.pk])).content.decode()
    current = periode.praktijkopleider.user
    assert f'value="{current.email or current.username}"' in edit


@pytest.mark.parametrize("who", ["piet007@voorbeeld.invalid", "PIET007@Voorbeeld.invalid", "po007"])
def test_a_praktijkopleider_by_e_mail_or_username(client, world, who):
    client.force_login(world["beheerder"])
    add_praktijkopleiders(world, 10)
    response = client.post(
        URL, {"enrolment": world["enrolment2"].pk, "praktijkopleider": who,
              "starts_on": "2026-10-01"},
    )  # fmt: skip
    assert response.status_code == 302
    periode = BpvPeriode.objects.get(enrolment=world["enrolment2"], starts_on="2026-10-01")
    assert periode.praktijkopleider.user.username == "po007"


def test_an_unknown_praktijkopleider_is_refused_and_nothing_written(client, world):
    client.force_login(world["beheerder"])
    before = BpvPeriode.objects.count()
    response = client.post(
        URL, {"enrolment": world["enrolment2"].pk, "praktijkopleider": "niemand@x.invalid",
              "starts_on": "2026-10-01"},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Er is geen praktijkopleider met dit e-mailadres of deze gebruikersnaam." in html
    assert 'value="niemand@x.invalid"' in html  # what was typed stays
    assert BpvPeriode.objects.count() == before


def test_suggestions_match_name_e_mail_or_leerbedrijf_twenty_at_most(client, world):
    client.force_login(world["beheerder"])
    add_praktijkopleiders(world, 30)
    url = reverse("console:praktijkopleider_suggestions")

    def options(typed):
        html = client.get(url, {"praktijkopleider": typed}).content.decode()
        return re.findall(r'<option value="([^"]+)">([^<]+)</option>', html)

    assert len(options("opleider")) == 20
    assert options("opleider012") == [
        ("piet012@voorbeeld.invalid", "Piet Opleider012 (Zorghuis De Linde)")
    ]
    assert len(options("Linde")) == 20  # the leerbedrijf
    assert options("p") == []  # too short to be worth a query
    assert options("zzz") == []


@pytest.mark.parametrize("role", ["student", "praktijkopleider", "docent", "assessor", "outsider"])
def test_suggestions_are_for_beheerders_only(client, world, role):
    client.force_login(world[role])
    url = reverse("console:praktijkopleider_suggestions")
    assert client.get(url, {"praktijkopleider": "praktijk"}).status_code == 404
