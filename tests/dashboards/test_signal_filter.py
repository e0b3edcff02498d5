"""A signal card names a few students and links to the matrix filtered to that signal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import views
from dashboards.selectors import Filters, dashboard_for
from dashboards.views import SIGNAL_NAMES
from organisation import services as organisation_services
from tests.dashboard_fixtures import add_students

pytestmark = pytest.mark.django_db


@pytest.fixture
def klas(world):
    po = world["praktijkopleider"].praktijkopleider
    world["bulk"] = add_students(world["cohort"], po, 12)
    return world


def test_matrix_filtered_to_a_signal(klas):
    d = dashboard_for(
        user=klas["docent"], cohort=klas["cohort"], filters=Filters(signal="niet-uitvoerbaar")
    )
    # Every third bulk student has the last werkproces not feasible.
    assert {r.enrolment.student.username for r in d.rows} == {
        f"bulk-{i:04d}" for i in range(0, 12, 3)
    }
    assert d.all_count == 13
    d = dashboard_for(user=klas["docent"], cohort=klas["cohort"], filters=Filters(signal="wacht"))
    assert d.rows == []  # nothing waits longer than a week
    assert Filters.from_query({"signaal": "wacht"}).signal == "wacht"
    assert Filters.from_query({"signaal": "iets"}).signal is None


def test_card_shows_first_names_count_and_link_to_the_filtered_matrix(client, klas):
    client.force_login(klas["docent"])
    url = reverse("dashboards:cohort_dashboard", args=[klas["cohort"].pk])
    page = client.get(url).content.decode()
    behind = page.split('id="signals-behind"')[1].split("</section>")[0]
    assert behind.count('class="list-group-item"') == SIGNAL_NAMES
    assert f'href="{url}?achter=1#matrix-heading">en nog 1 student:' in behind  # 6 behind
    feasible = page.split('id="signals-not_feasible"')[1].split("</section>")[0]
    assert f'href="{url}?signaal=niet-uitvoerbaar#matrix-heading">Toon ze in de tabel' in feasible
    filtered = client.get(url, {"signaal": "niet-uitvoerbaar"}).content.decode()
    assert "4 van 13 studenten getoond" in filtered


def test_klas_picker_lists_the_visible_klassen_with_the_current_one_selected(client, klas):
    cohort = klas["cohort"]
    client.force_login(klas["docent"])
    page = client.get(reverse("dashboards:cohort_dashboard", args=[cohort.pk])).content.decode()
    picker = page.split('id="f-klas"')[1].split("</select>")[0]
    assert picker.count("<option ") == 1  # the docent mentors this klas only
    assert (
        f'<option value="{cohort.pk}" selected>{cohort.name} ({cohort.start_year}) – '
        f"{cohort.qualification.title}</option>"
    ) in picker


def test_a_beheerder_of_many_klassen_gets_a_link_not_a_picker_of_them_all(
    client, klas, monkeypatch
):
    monkeypatch.setattr(views, "PICKER_KLASSEN", 3)
    cohort = klas["cohort"]
    url = reverse("dashboards:cohort_dashboard", args=[cohort.pk])
    client.force_login(klas["beheerder"])
    add_klassen(cohort, 2)  # 3 klassen in all: still a picker
    assert 'id="f-klas"' in client.get(url).content.decode()

    add_klassen(cohort, 1, start=2)
    with CaptureQueriesContext(connection) as few:
        small = client.get(url).content.decode()
    add_klassen(cohort, 40, start=3)
    with CaptureQueriesContext(connection) as many:
        large = client.get(url).content.decode()
    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(small) == len(large)
    assert 'id="f-klas"' not in large and "K-010" not in large
    assert f'<a href="{reverse("dashboards:cohorts")}">Andere klas kiezen</a>' in large
    # The filter form still stays on this klas.
    assert f'<input type="hidden" name="klas" value="{cohort.pk}">' in large
    response = client.get(reverse("dashboards:cohorts"), {"klas": cohort.pk, "achter": "1"})
    assert response.status_code == 302 and response.url == f"{url}?achter=1"
    # The docent, mentor of one klas, keeps the picker.
    client.force_login(klas["docent"])
    assert 'id="f-klas"' in client.get(url).content.decode()


def add_klassen(cohort, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        organisation_services.cohort_create(
            school=cohort.school, name=f"K-{i:03d}", start_year=2025,
            qualification=cohort.qualification,
        )  # fmt: skip
