"""Journeys into Bekwaam: school sign-in through a real OpenID Provider, and a forgotten
password reset from the mail. axe-core runs on each of Bekwaam's pages on the way."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from organisation.models import User
from organisation.services import user_create
from tests.browser.conftest import assert_no_axe_violations, open_account_menu
from tests.oidc_provider import OpenIDProvider, sso_enabled

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Zonnebloem-Akker-2026"


@pytest.fixture(scope="module")
def provider(live_server):
    op = OpenIDProvider([f"{live_server.url}/accounts/school/callback/"])
    yield op
    op.stop()


@pytest.fixture
def sso(provider):
    provider.tamper(None)
    with sso_enabled(provider):
        yield


@pytest.fixture
def sanne(transactional_db):
    user = user_create(
        username="100001",
        password=None,
        role=User.Role.STUDENT,
        first_name="Sanne",
        last_name="de Vries",
    )
    user.sso_identifier = "s100001@roc.example"
    user.save()
    return user


def sign_in_at_school(page, login: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Inloggen met je schoolaccount").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    page.fill("#login", login)
    page.get_by_role("button", name="Inloggen").click()


def test_student_signs_in_with_school_account(page, live_server, sso, sanne):
    page.goto("/accounts/login/")
    expect(page.get_by_role("link", name="Inloggen met je schoolaccount")).to_be_visible()
    expect(page.get_by_role("link", name="Wachtwoord vergeten?")).to_be_visible()
    assert_no_axe_violations(page)

    sign_in_at_school(page, "s100001")
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/(?!accounts/)"))
    expect(page.locator("header")).to_contain_text("Sanne de Vries")
    expect(page.locator("header")).to_contain_text("Student")
    # A school account has no password in Bekwaam, so nothing offers to change one.
    open_account_menu(page)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.get_by_role("link", name="Wachtwoord wijzigen")).to_have_count(0)

    # Logging out ends the session at the school too: the provider confirms, then sends the
    # browser back to Bekwaam's login page, and the next school sign-in asks again.
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/session/end"))
    page.locator("button[name=logout][value=yes]").click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/accounts/login/$"))
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Inloggen met je schoolaccount").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))


def test_unknown_school_account_gets_a_clear_page(page, live_server, sso, sanne):
    sign_in_at_school(page, "s999999")
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/accounts/school/callback/"))
    expect(page.locator("h1")).to_have_text("Inloggen met je schoolaccount is niet gelukt")
    expect(page.get_by_role("alert")).to_contain_text("geen account gekoppeld")
    expect(page.locator("header")).not_to_contain_text("Uitloggen")
    assert_no_axe_violations(page)


def test_forged_callback_gets_a_clear_page(page, live_server, sso):
    response = page.goto("/accounts/school/callback/?code=gestolen&state=verzonnen")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("verlopen")
    assert_no_axe_violations(page)


def test_praktijkopleider_resets_forgotten_password_from_the_mail(page, live_server):
    user_create(
        username="piet@bedrijf.example",
        password="Het-oude-wachtwoord-1",
        role=User.Role.PRAKTIJKOPLEIDER,
        email="piet@bedrijf.example",
        first_name="Piet",
        last_name="Praktijk",
    )
    mail.outbox.clear()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(page.locator("h1")).to_have_text("Wachtwoord vergeten")
    assert_no_axe_violations(page)
    page.fill("#id_email", "piet@bedrijf.example")
    page.get_by_role("button", name="Stuur me een link").click()
    expect(page.locator("h1")).to_have_text("Kijk in je e-mail")
    assert_no_axe_violations(page)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+?(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Nieuw wachtwoord kiezen")
    assert_no_axe_violations(page)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.locator("h1")).to_have_text("Je nieuwe wachtwoord is opgeslagen")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Inloggen").last.click()
    page.fill("#id_username", "piet@bedrijf.example")
    page.fill("#id_password", NEW_PASSWORD)
    page.locator("form", has=page.locator("#id_username")).locator("[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/(?!accounts/)"))
    expect(page.locator("header")).to_contain_text("Piet Praktijk")
    open_account_menu(page)
    expect(page.get_by_role("link", name="Wachtwoord wijzigen")).to_be_visible()
    page.get_by_role("link", name="Wachtwoord wijzigen").click()
    expect(page.locator("h1")).to_have_text("Wachtwoord wijzigen")
    assert_no_axe_violations(page)


def test_login_page_on_a_phone(browser, live_server, transactional_db):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="nl-NL"
    )
    try:
        page = context.new_page()
        page.goto("/accounts/password_reset/")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390
        assert_no_axe_violations(page)
    finally:
        context.close()
