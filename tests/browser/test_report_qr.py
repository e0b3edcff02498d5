"""A report's QR code, read from the rendered PDF page like a phone camera would, leads to
the public verification page, which confirms the report; a changed kenmerk is not found."""

import pypdfium2
import pytest
import zxingcpp
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from reports import services, verification
from tests.browser.conftest import assert_no_axe_violations

pytestmark = pytest.mark.browser


def qr_codes_in(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for index in range(len(document)):
        image = document[index].render(scale=3).to_pil()
        found += [code.text for code in zxingcpp.read_barcodes(image)]
    return found


def test_qr_code_on_the_pdf_leads_to_a_confirmation(page, live_server, rworld, settings):
    settings.BEKWAAM_BASE_URL = live_server.url
    job = services.report_request(user=rworld["student"], enrolment=rworld["enrolment"])
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    with default_storage.open(job.output, "rb") as handle:
        pdf = handle.read()

    codes = qr_codes_in(pdf)
    kenmerk = verification.printed_kenmerk(job.fingerprint)
    assert codes == [f"{live_server.url}/rapporten/controleren/{kenmerk}/"]

    page.goto(codes[0])  # nobody is signed in: the page is public
    outcome = page.locator("#uitkomst")
    expect(outcome).to_contain_text("Echt Bekwaam-rapport")
    expect(outcome).to_contain_text("Sanne Jansen")
    expect(outcome).to_contain_text("Ja: er is geen nieuwer rapport.")
    assert_no_axe_violations(page)

    changed = kenmerk[:-1] + ("0" if kenmerk[-1] != "0" else "1")
    page.get_by_label("Kenmerk").fill(changed)
    page.get_by_role("button", name="Controleren").click()
    expect(outcome).to_contain_text("Niet gevonden")
    expect(outcome).not_to_contain_text("Sanne")
    assert_no_axe_violations(page)
