"""After a failed form the page starts with an error summary whose links lead to the fields
(includes/error_summary.html; static/js/error-summary.js moves the focus, see
tests/browser/test_error_summary.py)."""

import re

import pytest
from django.urls import reverse

from tests.assessment_fixtures import post_data

pytestmark = pytest.mark.django_db


def summary_links(body: str) -> list[str]:
    summary = re.search(r"<div[^>]*data-error-summary.*?</div>", body, re.S)
    assert summary, "no error summary"
    main = body.index("<main")
    # At the top of the page's content, before the form it is about.
    assert main < body.index("data-error-summary") < body.index('<form method="post"', main)
    return re.findall(r'href="#([^"]+)"', summary.group(0))


@pytest.mark.parametrize(
    ("who", "url", "data", "fields"),
    [
        ("beheerder", lambda w: reverse("organisation:invite"), {"email": "geen-adres"},
         ["id_first_name", "id_last_name", "id_email", "id_leerbedrijf"]),
        ("beheerder", lambda w: reverse("console:leerbedrijf_create"), {"name": ""}, ["id_name"]),
        ("praktijkopleider", lambda w: reverse("portfolios:sign_off",
                                               args=[w["enrolment"].pk, "B1-K1-W1"]),
         {"declaration": ""}, None),
        ("student", lambda w: reverse("portfolios:evidence_create",
                                      args=[w["enrolment"].pk, "B1-K1-W1"]),
         {"title": ""}, ["id_title"]),
    ],
)  # fmt: skip
def test_failed_form_has_a_summary_linking_to_its_fields(client, world, who, url, data, fields):
    client.force_login(world[who])
    response = client.post(url(world), data)
    assert response.status_code in (200, 400)
    body = response.content.decode()
    links = summary_links(body)
    assert links
    for target in links:
        assert f'id="{target}"' in body, target  # every link leads to a field on the page
    if fields:
        assert set(fields) <= set(links)


def test_login_failure_has_a_summary(client, world):
    response = client.post(reverse("login"), {"username": "student", "password": "fout"})
    summary = re.search(r"<div[^>]*data-error-summary.*?</div>", response.content.decode(), re.S)
    assert summary and 'tabindex="-1"' in summary.group(0)


def test_no_summary_without_errors(client, world):
    client.force_login(world["beheerder"])
    assert "data-error-summary" not in client.get(reverse("organisation:invite")).content.decode()


def test_the_script_is_served_from_self_and_loaded_by_every_page(client, world):
    client.force_login(world["student"])
    body = client.get(reverse("notifications:list")).content.decode()
    assert re.search(r'<script src="/static/js/error-summary\.js" defer>', body)
    assert 'rel="icon" href="/static/img/favicon.svg"' in body


def test_beoordeling_summary_links_to_the_score_radios(client, aworld):
    client.force_login(aworld["assessor"])
    url = reverse("assessments:beoordeling", args=[aworld["enrolment"].pk, "B1-K1-W1"])
    criteria = aworld["criteria"]
    response = client.post(url, post_data(criteria, "submit", 0, None))  # no comment, no score
    body = response.content.decode()
    links = summary_links(body)
    assert links
    for target in links:
        assert f'id="{target}"' in body, target
