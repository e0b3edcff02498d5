"""Requesting a progress report as a person would: ask, watch the status change without
reloading (htmx polls the status partial), download the PDF; axe-core on each page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reports import services
from tests.browser.conftest import assert_no_axe_violations, login
from tests.report_fixtures import pdf_text

pytestmark = pytest.mark.browser


def test_student_requests_watches_and_downloads_a_report(
    page, live_server, rworld, monkeypatch, tmp_path
):
    queued: list[int] = []
    # Hold the job back instead of rendering it in the request (eager Celery), so that the
    # page shows it queued and the test decides when the "worker" runs.
    monkeypatch.setattr(services, "_enqueue", lambda pk, child=False: queued.append(pk))
    login(page, live_server, "student", "geheim-wachtwoord-1")
    page.goto(reverse("portfolios:portfolio", args=[rworld["enrolment"].pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Voortgangsrapport (PDF) maken").click()
    status = page.locator(".report-status")
    expect(status).to_have_text("In de wachtrij")
    assert_no_axe_violations(page)
    assert len(queued) == 1
    assert services.job_run(job_id=queued[0]) == "done"
    expect(status).to_have_text("Klaar")  # htmx swapped the partial in; no reload
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF downloaden").click()
    path = tmp_path / "rapport.pdf"
    download_info.value.save_as(path)
    assert "Sanne Jansen" in pdf_text(path.read_bytes())
    assert_no_axe_violations(page)
    page.goto(reverse("reports:list"))
    expect(page.get_by_role("link", name="Voortgangsrapport · Sanne Jansen")).to_be_visible()
    assert_no_axe_violations(page)


def test_student_exports_the_portfolio_and_opens_it_from_disk(
    page, live_server, rworld, monkeypatch, tmp_path
):
    import zipfile

    from tests.portfolio_fixtures import PDF_BYTES

    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", lambda pk, child=False: queued.append(pk))
    login(page, live_server, "student", "geheim-wachtwoord-1")
    page.goto(reverse("portfolios:portfolio", args=[rworld["enrolment"].pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Portfolio exporteren (ZIP)").click()
    status = page.locator(".report-status")
    expect(status).to_have_text("In de wachtrij")
    assert services.job_run(job_id=queued[0]) == "done"
    expect(status).to_have_text("Klaar")
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Portfolio (ZIP) downloaden").click()
    path = tmp_path / "portfolio.zip"
    download_info.value.save_as(path)
    unpacked = tmp_path / "uitgepakt"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(unpacked)
    # Offline: from disk, with every request other than file:// refused.
    page.context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    page.goto((unpacked / "index.html").as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio van Sanne Jansen")
    expect(page.get_by_text("Verslag wondzorg").first).to_be_visible()
    assert_no_axe_violations(page)
    link = page.get_by_role("link", name="verslag.pdf").first
    target = unpacked / link.get_attribute("href")
    link.click()
    page.wait_for_url(target.as_uri())  # Chromium shows the PDF itself, from the unpacked ZIP
    assert target.read_bytes() == PDF_BYTES
