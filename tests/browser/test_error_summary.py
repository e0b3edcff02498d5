"""After a failed form the keyboard focus lands on the error summary at the top; its link
puts the focus in the field. Also: the navbar search box and the favicon, on a phone too.
axe finds nothing on these pages."""

import pytest
from playwright.sync_api import expect

from organisation.models import User
from organisation.services import user_create
from tests.browser.conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.browser

PASSWORD = "Bekwaam-test-2026!"


@pytest.fixture
def beheerder(transactional_db):
    return user_create(username="beheer-de-vries", password=PASSWORD, role=User.Role.BEHEERDER)


def active(page, attribute):
    return page.evaluate(f"document.activeElement.getAttribute('{attribute}')")


@pytest.mark.parametrize("width", [1280, 390])
def test_failed_form_focuses_the_summary_and_its_link_the_field(
    page, live_server, beheerder, width
):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "beheer-de-vries", PASSWORD)
    page.goto("/school/leerbedrijven/nieuw/")
    page.fill("#id_sbb_number", "123")
    page.focus("#id_sbb_number")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submit with the keyboard, the name left empty
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Naam")
    assert_no_axe_violations(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_name"
    page.keyboard.press("Enter")
    expect(page.locator("#id_name")).to_be_focused()
    page.keyboard.type("Bakkerij Öztürk")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Bakkerij Öztürk")


def test_navbar_search_and_favicon(page, live_server, beheerder):
    login(page, live_server, "beheer-de-vries", PASSWORD)
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(f"{live_server.url}{icon}").status == 200
    page.fill("#nav-search-q", "niemand")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Zoeken")
    expect(page.locator("main [role=status]")).to_contain_text("0 resultaten")
    assert_no_axe_violations(page)
