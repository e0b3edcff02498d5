"""The parts of every page that are the same for many requests (templates/base.html: the head's
static links, the navbar's links and search field, the language select) are cached per
process (CACHES["fragments"]); each must still follow who asks, on which page, in which
language. Each test asks for pages in an order where a key missing one of these would hand
the previous answer back."""

import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_fragments():
    caches["fragments"].clear()
    yield
    caches["fragments"].clear()


def nav(html: str) -> str:
    return re.search(r'<ul class="navbar-nav me-auto">.*?</ul>', html, re.S).group(0)


def active(html: str) -> list[str]:
    return re.findall(r'class="nav-link active"[^>]*?href="([^"]+)"', nav(html), re.S)


def test_the_active_link_follows_the_page(world, client):
    client.force_login(world["student"])
    portfolio = f"/portfolio/{world['enrolment'].pk}/"
    dossiers = reverse("qualifications:list")
    assert active(client.get(portfolio).content.decode()) == [reverse("portfolios:list")]
    assert active(client.get(dossiers).content.decode()) == [dossiers]
    assert active(client.get(portfolio).content.decode()) == [reverse("portfolios:list")]


def test_the_language_follows_the_choice(world, client):
    client.force_login(world["student"])
    page = f"/portfolio/{world['enrolment'].pk}/"
    dutch = client.get(page).content.decode()
    assert "Resultaten" in nav(dutch) and 'value="nl" selected' in dutch
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(page).content.decode()
    assert "Results" in nav(english) and "Resultaten" not in nav(english)
    assert 'value="en" selected' in english and 'value="nl" selected' not in english
    assert '<label for="language-select">Language</label>' in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert "Resultaten" in nav(client.get(page).content.decode())


def test_each_role_keeps_its_own_links(world, client):
    dossiers = reverse("qualifications:list")
    cohorts = reverse("dashboards:cohorts")
    client.force_login(world["docent"])
    docent = client.get(dossiers).content.decode()
    assert cohorts in nav(docent) and 'placeholder="Zoek student"' in docent
    client.force_login(world["student"])
    student = client.get(dossiers).content.decode()
    assert cohorts not in nav(student) and 'placeholder="Zoek bewijs"' in student
    client.force_login(world["beheerder"])
    beheerder = client.get(dossiers).content.decode()
    assert reverse("console:home") in nav(beheerder)
    assert reverse("console:home") not in nav(docent)
