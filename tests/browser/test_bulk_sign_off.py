"""The praktijkopleider signs off several werkprocessen at once, on a 390 px phone and on a
desktop: one has accepted evidence, one has none and is confirmed by its own checkbox, one
is marked niet uitvoerbaar here and shown, with the reason, as not selectable. axe-core finds
nothing on the pages visited."""

import pytest
from playwright.sync_api import expect

from portfolios import services
from portfolios.models import SignOffEvent
from qualifications.models import Werkproces
from tests.browser.conftest import assert_no_axe_violations, login
from tests.portfolio_fixtures import make_evidence

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_bulk_sign_off_with_a_confirmation_per_werkproces(page, live_server, world, width):
    page.set_viewport_size({"width": width, "height": 844})
    evidence = make_evidence(world, submit=True)  # for B1-K1-W1
    services.evidence_review(reviewer=world["praktijkopleider"], evidence=evidence, accept=True)
    services.werkproces_set_feasibility(
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=Werkproces.objects.get(code="P1-K1-W1"),
        feasible=False,
        reason="Geen balie op deze afdeling.",
    )
    login(page, live_server, "praktijkopleider", "geheim-wachtwoord-1")
    page.goto(f"{live_server.url}/portfolio/{world['enrolment'].pk}/meerdere-aftekenen/")
    blocked = page.locator("section", has=page.get_by_role("heading", name="Niet af te tekenen"))
    expect(blocked).to_contain_text("P1-K1-W1")
    expect(blocked).to_contain_text("Geen balie op deze afdeling.")
    expect(page.get_by_role("checkbox", name="P1-K1-W1", exact=False)).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_axe_violations(page)

    page.get_by_label("B1-K1-W1 Eerste werkproces").check()
    page.get_by_label("B1-K1-W2 Tweede werkproces").check()
    page.get_by_label("Ik teken B1-K1-W2 toch af").check()
    page.get_by_label("Ik verklaar").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Aftekenen").click()
    expect(page.locator(".alert-success")).to_contain_text("2 werkprocessen afgetekend")
    assert_no_axe_violations(page)
    assert SignOffEvent.objects.get(werkproces__code="B1-K1-W2").without_evidence is True
    assert SignOffEvent.objects.get(werkproces__code="B1-K1-W1").without_evidence is False
