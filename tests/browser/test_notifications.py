"""The bell and the notification list, on a desktop and on a 390 px phone."""

import pytest
from playwright.sync_api import expect

from notifications import services
from organisation.models import User
from tests.browser.conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.browser

PASSWORD = "Bekwaam-test-2026!"


@pytest.fixture
def student(transactional_db):
    user = User.objects.create_user(
        username="sanne", password=PASSWORD, role="student", first_name="Sanne"
    )
    for i, what in enumerate(["Afgetekend: B1-K1-W1", "Goedgekeurd: Verslag & foto's"]):
        services.notify(
            recipient=user,
            what=what,
            link="/kwalificaties/",
            dedup_key=f"browser:{i}",
            mail=False,
        )
    return user


@pytest.mark.parametrize("width", [1280, 390])
def test_student_sees_the_bell_opens_a_notification_and_reads_all(
    page, live_server, student, width
):
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, "sanne", PASSWORD)
    if width < 992:
        page.get_by_role("button", name="Menu openen").click()
    bell = page.get_by_role("link", name="Meldingen 2 ongelezen")
    expect(bell).to_be_visible()
    bell.click()
    expect(page.locator("h1")).to_have_text("Meldingen")
    expect(page.locator(".notification-list li")).to_have_count(2)
    expect(page.locator(".notification-list")).to_contain_text("Verslag & foto's")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("link", name="Afgetekend: B1-K1-W1").click()
    expect(page).to_have_url(f"{live_server.url}/kwalificaties/")
    page.goto("/meldingen/")
    expect(page.locator(".notification-list")).to_contain_text("Gelezen")
    page.get_by_role("button", name="Alles gelezen").click()
    expect(page.locator(".alert")).to_contain_text("Alle meldingen zijn gelezen.")
    expect(page.locator("[data-unread]")).to_have_count(0)
    assert_no_axe_violations(page)
