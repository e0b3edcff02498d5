"""School sign-in (OpenID Connect) against a real OpenID Provider started on 127.0.0.1.

The Django test client plays Bekwaam's side of the browser, `sign_in_at_provider` the
provider's side; the token and userinfo requests are real HTTP between Bekwaam's backend and
oidc-provider.
"""

import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from config.sso_settings import parse_role_map, sso_settings
from organisation.models import User
from organisation.services import user_create
from organisation.sso import discovery
from tests.oidc_provider import (
    OTHER_CLIENT_ID,
    TEST_REDIRECT,
    OpenIDProvider,
    sign_in_at_provider,
    sso_enabled,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider():
    op = OpenIDProvider([TEST_REDIRECT])
    yield op
    op.stop()


@pytest.fixture
def sso(provider):
    provider.tamper(None)
    with sso_enabled(provider) as values:
        yield values


@pytest.fixture
def sanne(db):
    """An imported student, linked to her school account."""
    user = user_create(username="100001", password=None, role=User.Role.STUDENT, first_name="Sanne")
    user.sso_identifier = "s100001@roc.example"
    user.save()
    return user


def start(client, next_url: str = "") -> str:
    """Click "Inloggen met je schoolaccount"; return the provider URL Bekwaam sends us to."""
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    response = client.get(reverse("oidc_authentication_init") + query)
    assert response.status_code == 302
    return response["Location"]


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client, login: str) -> str:
    return callback_path(sign_in_at_provider(start(client), login, "http://testserver/"))


def assert_refused(response, reason: str, status: int) -> None:
    assert response.status_code == status
    content = response.content.decode()
    assert f'data-reason="{reason}"' in content
    assert "Inloggen met je schoolaccount is niet gelukt" in content
    assert "Traceback" not in content
    assert SESSION_KEY not in response.wsgi_request.session


# --- Off unless configured ---------------------------------------------------------------


def test_off_without_configuration(client):
    assert settings.BEKWAAM_OIDC_ENABLED is False
    assert "organisation.sso.SchoolOIDCBackend" not in settings.AUTHENTICATION_BACKENDS
    page = client.get(reverse("login")).content.decode()
    assert "schoolaccount" not in page
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")
    assert client.get("/accounts/school/").status_code == 404
    assert client.get("/accounts/school/callback/?code=x&state=y").status_code == 404


def test_settings_from_the_environment():
    assert sso_settings({})["BEKWAAM_OIDC_ENABLED"] is False
    # A client id alone is not enough: Bekwaam must know whose tokens to trust.
    assert sso_settings({"BEKWAAM_OIDC_CLIENT_ID": "x"})["BEKWAAM_OIDC_ENABLED"] is False
    values = sso_settings(
        {
            "BEKWAAM_OIDC_ISSUER": "https://connect.surfconext.nl/",
            "BEKWAAM_OIDC_CLIENT_ID": "bekwaam.roc.example",
            "BEKWAAM_OIDC_CLIENT_SECRET": "geheim",
            "BEKWAAM_OIDC_IDENTIFIER_CLAIM": "schac_personal_unique_code",
            "BEKWAAM_OIDC_ROLE_MAP": "student:student, employee:docent",
        }
    )
    assert values["BEKWAAM_OIDC_ENABLED"] is True
    assert values["BEKWAAM_OIDC_ISSUER"] == "https://connect.surfconext.nl"
    assert values["BEKWAAM_OIDC_DISCOVERY_URL"] == (
        "https://connect.surfconext.nl/.well-known/openid-configuration"
    )
    assert values["BEKWAAM_OIDC_IDENTIFIER_CLAIM"] == "schac_personal_unique_code"
    assert values["BEKWAAM_OIDC_ROLE_MAP"] == {"student": "student", "employee": "docent"}
    assert values["BEKWAAM_OIDC_CREATE_USERS"] == []  # provisioning is off by default
    assert values["OIDC_CREATE_USER"] is False
    assert values["OIDC_USE_PKCE"] is True
    # Logging out at the school may leave only for the school's own origin (CSP form-action).
    assert values["BEKWAAM_OIDC_LOGOUT_ORIGINS"] == ["https://connect.surfconext.nl"]
    assert sso_settings({})["BEKWAAM_OIDC_LOGOUT_ORIGINS"] == []
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] == ["'self'"]


@pytest.mark.parametrize("bad", ["staff:beheerder", "extern:praktijkopleider", "student"])
def test_role_map_cannot_hand_out_beheerder_or_praktijkopleider(bad):
    with pytest.raises(ValueError):
        parse_role_map(bad)


def test_create_users_cannot_name_beheerder():
    with pytest.raises(ValueError):
        sso_settings({"BEKWAAM_OIDC_CREATE_USERS": "beheerder"})


# --- Signing in ---------------------------------------------------------------------------


def test_login_page_offers_school_sign_in_and_password_reset(client, sso):
    page = client.get(reverse("login")).content.decode()
    assert "Inloggen met je schoolaccount" in page
    assert reverse("oidc_authentication_init") in page
    assert "Wachtwoord vergeten?" in page


def test_imported_student_signs_in_with_school_account(client, sso, sanne):
    authorize = start(client, next_url="/portfolio/")
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == ["bekwaam-test"]
    assert query["code_challenge_method"] == ["S256"]  # PKCE
    assert "nonce" in query and "state" in query

    response = client.get(
        callback_path(sign_in_at_provider(authorize, "s100001", "http://testserver/"))
    )
    assert response.status_code == 302
    assert response["Location"] == "/portfolio/"
    assert response.wsgi_request.session[SESSION_KEY] == str(sanne.pk)
    sanne.refresh_from_db()
    assert sanne.role == User.Role.STUDENT  # nothing about the account changed
    assert not sanne.has_usable_password()


def test_match_by_username_links_the_school_account(client, provider):
    # A school whose import uses the eduPersonPrincipalName as gebruikersnaam.
    user = user_create(username="d2001@roc.example", password=None, role=User.Role.DOCENT)
    with sso_enabled(provider, BEKWAAM_OIDC_MATCH_FIELD="username"):
        response = client.get(sign_in(client, "d2001"))
    assert response.status_code == 302
    assert response.wsgi_request.session[SESSION_KEY] == str(user.pk)
    user.refresh_from_db()
    assert user.sso_identifier == "d2001@roc.example"
    assert user.role == User.Role.DOCENT


def test_unknown_school_account_is_refused_and_nothing_is_created(client, sso, sanne):
    response = client.get(sign_in(client, "s999999"))
    assert_refused(response, "unknown", 403)
    assert "geen account gekoppeld" in response.content.decode()
    assert not User.objects.filter(sso_identifier="s999999@roc.example").exists()


def test_inactive_account_is_refused(client, sso, sanne):
    sanne.is_active = False
    sanne.save()
    assert_refused(client.get(sign_in(client, "s100001")), "inactive", 403)


def test_provisioning_only_by_the_explicit_rule(client, provider):
    with sso_enabled(provider, BEKWAAM_OIDC_CREATE_USERS="student"):
        response = client.get(sign_in(client, "s999999"))
        assert response.status_code == 302
        created = User.objects.get(sso_identifier="s999999@roc.example")
        assert created.role == User.Role.STUDENT
        assert (created.first_name, created.last_name) == ("Nora", "Nieuw")
        assert not (created.is_staff or created.is_superuser)
        assert not created.has_usable_password()
        client.logout()
        # An employee maps to docent, and docent is not in the rule: refused, not created.
        assert_refused(client.get(sign_in(client, "d2001")), "unknown", 403)
    assert not User.objects.filter(sso_identifier="d2001@roc.example").exists()


# --- Refusals -----------------------------------------------------------------------------


def test_wrong_state_is_refused(client, sso, sanne):
    back = sign_in(client, "s100001")
    wrong = back.replace("state=", "state=x", 1)
    assert_refused(client.get(wrong), "state", 400)


def test_callback_in_another_browser_is_refused(client, sso, sanne, django_user_model):
    from django.test import Client

    back = sign_in(client, "s100001")
    assert_refused(Client().get(back), "state", 400)


def test_replayed_callback_is_refused(client, sso, sanne):
    back = sign_in(client, "s100001")
    assert client.get(back).status_code == 302
    client.logout()
    assert_refused(client.get(back), "state", 400)


def test_replayed_code_with_a_fresh_state_is_refused(client, sso, sanne):
    back = sign_in(client, "s100001")
    assert client.get(back).status_code == 302
    client.logout()
    code = parse_qs(urlsplit(back).query)["code"][0]
    # A new sign-in started in the same browser: the state is valid, the code is not.
    fresh = sign_in(client, "s100001")
    query = parse_qs(urlsplit(fresh).query)
    replay = f"{urlsplit(fresh).path}?{urlencode({'code': code, 'state': query['state'][0]})}"
    assert_refused(client.get(replay), "code", 400)


def test_token_for_another_audience_is_refused(client, sso, provider, sanne):
    back = sign_in(client, "s100001")
    provider.tamper(OTHER_CLIENT_ID)
    try:
        response = client.get(back)
    finally:
        provider.tamper(None)
    assert_refused(response, "token", 400)


def test_cancelled_at_the_provider(client, sso):
    start(client)
    state = next(iter(client.session["oidc_states"]))
    response = client.get(
        reverse("oidc_authentication_callback") + f"?error=access_denied&state={state}"
    )
    assert_refused(response, "cancelled", 400)


def test_provider_down_is_a_clear_page_not_a_500(client, provider):
    with sso_enabled(provider, BEKWAAM_OIDC_ISSUER="http://127.0.0.1:9"):
        response = client.get(reverse("oidc_authentication_init"))
    assert_refused(response, "unavailable", 503)


def test_password_login_never_talks_to_the_provider(client, sso, monkeypatch):
    user_create(username="po", password="Praktijk-2026-wachtwoord", role="praktijkopleider")

    def no_network(*args, **kwargs):
        raise AssertionError("password login must not call the provider")

    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", no_network)
    response = client.post(
        reverse("login") + "?code=abc&state=def",
        {"username": "po", "password": "Praktijk-2026-wachtwoord"},
    )
    assert response.status_code == 302


def test_student_imported_with_school_account_signs_in(client, sso, tree):
    from organisation.student_import import students_import

    students_import(
        data=(
            b"gebruikersnaam;voornaam;achternaam;email;crebo;klas;startjaar;startdatum;"
            b"schoolaccount\n"
            b"100001;Sanne;de Vries;;90011;ZW-2A;2026;2026-09-01;s100001@roc.example\n"
        ),
        school_name="ROC Test",
    )
    response = client.get(sign_in(client, "s100001"))
    assert response.status_code == 302
    student = User.objects.get(username="100001")
    assert response.wsgi_request.session[SESSION_KEY] == str(student.pk)


def test_refused_school_sign_ins_do_not_lock_out_the_school(client, sso, sanne, settings):
    # A school's students share one public address; failures of some (unknown accounts, which
    # the school's provider already throttles) must not lock Bekwaam's school sign-in for all.
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert client.get(sign_in(client, "s999999")).status_code == 403
    response = client.get(sign_in(client, "s100001"))
    assert response.status_code == 302
    assert response.wsgi_request.session[SESSION_KEY] == str(sanne.pk)


# --- Logging out at the school too (RP-initiated logout) -----------------------------------


def _follow_at_provider(browser, url: str, stop_at: str) -> str | None:
    """Follow the provider's redirects; the URL back to Bekwaam, or None if it stops at a
    page (its sign-in form)."""
    response = browser.get(url, allow_redirects=False, timeout=10)
    for _ in range(10):
        if not response.is_redirect:
            return None
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(stop_at):
            return location
        response = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("redirect loop at the provider")


def test_logout_after_school_sign_in_ends_the_school_session_too(client, sso, sanne, provider):
    browser = requests.Session()  # the provider's cookies, as a browser keeps them
    back = sign_in_at_provider(start(client), "s100001", "http://testserver/", session=browser)
    client.get(callback_path(back))
    assert int(client.session[SESSION_KEY]) == sanne.pk
    # While the school session lives, the school does not ask again: straight back.
    assert _follow_at_provider(browser, start(client), "http://testserver/") is not None

    response = client.post(reverse("logout"))
    assert SESSION_KEY not in client.session
    assert response.status_code == 302
    end_session = response["Location"]
    assert end_session.startswith(f"{provider.issuer}/session/end?")
    query = parse_qs(urlsplit(end_session).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["client_id"] == [settings.OIDC_RP_CLIENT_ID]
    assert query["id_token_hint"][0].count(".") == 2

    # The provider asks to confirm (its page submits itself in a browser), then sends the
    # browser back to Bekwaam's login page.
    page = browser.get(end_session, timeout=10)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text).group(1)
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1)
    done = browser.post(
        urljoin(page.url, action), data={"xsrf": xsrf, "logout": "yes"}, allow_redirects=False
    )
    assert done.headers["Location"] == "http://testserver/accounts/login/"
    # The school session is gone: the next sign-in asks for the school login again.
    assert _follow_at_provider(browser, start(client), "http://testserver/") is None


def test_logout_after_password_login_stays_in_bekwaam(client, sso, sanne):
    sanne.set_password("een-heel-lang-wachtwoord-42")
    sanne.save()
    client.post(reverse("login"), {"username": "100001", "password": "een-heel-lang-wachtwoord-42"})
    assert SESSION_KEY in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session


def test_logout_never_leaves_for_an_origin_outside_the_policy(client, sso, sanne, provider):
    back = sign_in_at_provider(start(client), "s100001", "http://testserver/")
    client.get(callback_path(back))
    assert SESSION_KEY in client.session
    doc = {**discovery(), "end_session_endpoint": "https://elders.example/logout"}
    cache.set("bekwaam:oidc:discovery", doc)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
