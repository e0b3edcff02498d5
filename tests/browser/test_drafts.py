"""On a 390 px phone a student double-clicks "Bewaren als concept" and gets one bewijsstuk
(the button turns off on submit; the form token would catch it anyway), takes a file out,
and deletes the draft after a confirmation page. axe-core finds nothing."""

import pytest
from playwright.sync_api import expect

from portfolios.models import Evidence
from tests.browser.conftest import assert_no_axe_violations, login
from tests.portfolio_fixtures import PDF_BYTES

pytestmark = pytest.mark.browser


def test_student_double_clicks_then_removes_a_file_and_deletes_the_draft(page, live_server, world):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "student", "geheim-wachtwoord-1")
    page.goto(f"{live_server.url}/portfolio/{world['enrolment'].pk}/B1-K1-W1/bewijs-toevoegen/")
    page.fill("#id_title", "Dubbel geklikt")
    page.fill("#id_date", "2026-10-02")
    page.fill("#id_reflection", "Wat ik deed.")
    page.fill("#id_links", "https://example.org/video")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren als concept").dblclick()
    expect(page.locator("h1")).to_have_text("Dubbel geklikt")
    assert Evidence.objects.count() == 1

    page.get_by_role("link", name="Wijzigen").click()
    page.set_input_files(
        "#id_files",
        [
            {"name": "a.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
            {"name": "b.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
        ],
    )
    page.get_by_role("button", name="Bewaren als concept").click()
    expect(page.locator(".alert-success")).to_contain_text("Wijzigingen bewaard")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Haal b.pdf weg").click()
    expect(page.locator(".alert-success")).to_contain_text("b.pdf is uit het bewijsstuk gehaald")
    expect(page.get_by_role("button", name="Haal b.pdf weg")).to_have_count(0)

    page.get_by_role("link", name="Concept verwijderen").click()
    expect(page.locator("h1")).to_have_text("Concept verwijderen")
    expect(page.locator("main")).to_contain_text("a.pdf")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Ja, concept verwijderen").click()
    expect(page.locator(".alert-success")).to_contain_text("Concept verwijderd")
    assert not Evidence.objects.exists()
    assert_no_axe_violations(page)
