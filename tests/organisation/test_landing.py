"""Each role lands on its own work after login, and the navigation shows what it uses."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LANDING = {
    "student": "portfolios:list",
    "praktijkopleider": "portfolios:inbox",
    "assessor": "assessments:queue",
    "docent": "dashboards:cohorts",
    "beheerder": "console:home",
}

# What each role finds in the navbar; every other of these links must be absent.
NAV = {
    "student": {
        "portfolios:list",
        "assessments:results_list",
        "reports:list",
        "qualifications:list",
    },
    "praktijkopleider": {
        "portfolios:inbox",
        "portfolios:list",
        "organisation:notification_settings",
    },
    "docent": {
        "dashboards:cohorts",
        "portfolios:list",
        "assessments:results_list",
        "reports:list",
        "qualifications:list",
    },
    "assessor": {"assessments:queue", "reports:list", "qualifications:list"},
    "beheerder": {"console:home", "dashboards:cohorts", "qualifications:list", "admin:index"},
}
ALL_LINKS = set().union(*NAV.values())


@pytest.mark.parametrize("role", sorted(LANDING))
def test_login_lands_on_own_work(client, users, role):
    response = client.post(
        reverse("login"), {"username": role, "password": "geheim-wachtwoord-1"}, follow=False
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).url == reverse(LANDING[role])


def test_home_sends_anonymous_to_login(client, db):
    assert client.get(reverse("home")).url == reverse("login")


@pytest.mark.parametrize("role", sorted(NAV))
def test_navbar_shows_what_the_role_uses(client, users, role):
    client.force_login(users[role])
    html = client.get(reverse("qualifications:list")).content.decode()
    nav = html[html.index('id="main-nav"') : html.index("</nav>")]
    for name in ALL_LINKS:
        href = f'href="{reverse(name)}"'
        assert (href in nav) == (name in NAV[role]), (role, name)
