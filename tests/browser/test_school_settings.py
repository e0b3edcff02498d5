"""A beheerder on a 390 px phone turns on badges on sign-off for the school, and asks for a
student's portfolio export from the console. axe on every page."""

import datetime

import pytest
from playwright.sync_api import expect

from organisation import services as organisation_services
from organisation.models import School, User
from reports.models import ReportJob
from tests.browser.conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.browser

PASSWORD = "geheim-wachtwoord-1"  # make_user's


def test_beheerder_turns_on_badges_on_sign_off_and_asks_for_an_export(
    page, live_server, transactional_db, tree, make_user
):
    make_user("bea", User.Role.BEHEERDER)
    school = organisation_services.school_create(name="Testcollege")
    student = make_user("ada", User.Role.STUDENT)
    organisation_services.enrolment_create(
        student=student, qualification=tree["p1"], started_on=datetime.date(2026, 9, 1)
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "bea", PASSWORD)
    page.get_by_role("link", name="Scholen: naam, BRIN en badges bij aftekening").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Testcollege").click()
    page.get_by_label("Badges ook bij aftekening").check()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    expect(page.locator(".alert-success")).to_contain_text("zijn bewaard")
    school.refresh_from_db()
    assert School.objects.get(pk=school.pk).badges_on_sign_off

    page.goto(f"/school/studenten/{student.pk}/")
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Portfolio-export (ZIP) aanvragen", exact=False).click()
    assert ReportJob.objects.filter(kind=ReportJob.Kind.EXPORT, enrolment__student=student).exists()
    assert_no_axe_violations(page)
