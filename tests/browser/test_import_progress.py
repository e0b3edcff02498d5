"""A student import's page while a worker runs it, on a 390 px phone: how far it is, updated
by itself (htmx) without a reload, then what came of it. axe on each state."""

import pytest
from playwright.sync_api import expect

from organisation import import_jobs
from organisation.models import ImportJob, User
from organisation.student_import import WRITING
from tests.browser.conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.browser

PASSWORD = "geheim-wachtwoord-1"  # make_user's
HEADER = "gebruikersnaam;voornaam;achternaam;email;crebo;klas;startjaar;startdatum\n"


def test_the_import_page_follows_the_worker(
    page, live_server, transactional_db, tree, make_user, monkeypatch
):
    bea = make_user("bea", User.Role.BEHEERDER)
    # No worker yet: this test plays the worker, step by step.
    monkeypatch.setattr(import_jobs, "enqueue_on_commit", lambda *args: None)
    rows = "".join(f"s{i:03d};Sanne;Smit {i};;90011;ZW-2A;2026;2026-09-01\n" for i in range(120))
    job = import_jobs.job_start(
        kind=ImportJob.Kind.STUDENTS,
        user=bea,
        data=(HEADER + rows).encode(),
        name="studenten.csv",
        school_name="Testcollege",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "bea", PASSWORD)
    page.goto(f"{live_server.url}/school/importeren/{job.pk}/")
    expect(page.locator(".import-status")).to_have_text("In de wachtrij")
    assert_no_axe_violations(page)

    # A worker takes it: the page shows it without being reloaded.
    import_jobs._claim(job.pk)
    import_jobs._progress(job.pk, 50, WRITING)
    expect(page.get_by_text("50 van 120 regels verwerkt")).to_be_visible(timeout=6000)
    expect(page.locator("progress#import-progress")).to_have_attribute("value", "50")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    import_jobs._progress(job.pk, 100, WRITING)
    expect(page.get_by_text("100 van 120 regels verwerkt")).to_be_visible(timeout=6000)
    job.status = job.Status.QUEUED  # as if claimed by the run below
    job.save(update_fields=["status"])
    import_jobs.job_run(job_id=job.pk)
    expect(page.locator(".import-status")).to_have_text("Klaar", timeout=6000)
    expect(page.locator(".alert-success")).to_contain_text("120 nieuwe studenten")
    assert_no_axe_violations(page)
