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
    assert_no_axe_violations(page)  # with the account menu open
    page.keyboard.press("Escape")
    expect(page.locator("form[action='/accounts/logout/'] [type=submit]")).to_be_hidden()


@pytest.mark.parametrize("width", [1280, 1440])
def test_a_docents_navbar_fits_on_one_line(page, live_server, docent, width):
    # A docent has the most links (five), the search field, the bell and the account menu.
    # At 1280 px they used to squeeze the search field to a sliver and wrap the name onto
    # three lines; a comment that ran onto a second line printed as text in the bar.
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, "docent-jansen", PASSWORD)
    assert page.locator("nav.navbar").bounding_box()["height"] < 80
    assert page.locator("#nav-search-q").bounding_box()["width"] >= 150
    expect(page.get_by_role("link", name="Meldingen")).to_be_visible()
    expect(page.get_by_role("button", name="Zoeken")).to_be_visible()
    expect(page.locator("nav.navbar")).not_to_contain_text("#}")


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
