import re

import pytest
from playwright.sync_api import expect

from organisation.models import User
from tests.browser.conftest import assert_no_axe_violations, login, open_account_menu

pytestmark = pytest.mark.browser

PASSWORD = "Bekwaam-test-2026!"


@pytest.fixture
def docent(transactional_db):
    return User.objects.create_user(username="docent-jansen", password=PASSWORD, role="docent")


def test_login_page_passes_axe(page, live_server):
    page.goto("/accounts/login/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#id_username")).to_be_visible()
    assert_no_axe_violations(page)


def test_docent_logs_in_and_lands_on_klassen(page, live_server, docent):
    # Each role lands on its own work (issue 11): a docent on the klassen dashboard.
    login(page, live_server, "docent-jansen", PASSWORD)
    expect(page).to_have_url(re.compile(r"/klassen/$"))
    assert page.url == f"{live_server.url}/klassen/"
    expect(page.locator("h1")).to_be_visible()
    # The navigation shows who is logged in and offers to log out.
    expect(page.locator("header")).to_contain_text("docent-jansen")
    open_account_menu(page)
    expect(page.locator("form[action='/accounts/logout/'] [type=submit]")).to_be_visible()


def test_kwalificaties_list_passes_axe(page, live_server, docent, tree):
    login(page, live_server, "docent-jansen", PASSWORD)
    page.get_by_role("link", name="Kwalificaties").click()
    expect(page.locator("table")).to_contain_text("Eerste profiel")
    assert_no_axe_violations(page)


def test_wrong_password_shows_error_and_keeps_username(page, live_server, docent):
    login(page, live_server, "docent-jansen", "niet-het-wachtwoord")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    error = page.locator(".alert-danger, [role=alert], .invalid-feedback").first
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("#id_username")).to_have_value("docent-jansen")
    expect(page.locator("#id_password")).to_have_value("")
    # Still not logged in.
    page.goto("/kwalificaties/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/kwalificaties/$"))
