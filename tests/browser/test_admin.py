"""/beheer/ (Django admin) at school scale, in the browser: the BPV-periode form finds its
enrolment, leerbedrijf and praktijkopleider by typing, as a beheerder fixing one record by
hand would, instead of a <select> of every enrolment of the school."""

import datetime

import pytest
from playwright.sync_api import expect

from organisation import services as organisation_services
from organisation.models import BpvPeriode, User
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

PASSWORD = "geheim-wachtwoord-1"  # make_user's


def _pick(page, field, typed, choice):
    """Open the field's autocomplete (select2), type, and choose the suggestion."""
    page.locator(f"#id_{field} + .select2").click()
    page.locator(".select2-search__field").fill(typed)
    option = page.locator(".select2-results__option", has_text=choice)
    expect(option).to_have_count(1)
    option.click()
    expect(page.locator(f"#select2-id_{field}-container")).to_contain_text(choice)


def test_beheerder_adds_a_bpv_periode_in_the_admin_by_typing(
    page, live_server, transactional_db, tree, make_user
):
    make_user("bea", User.Role.BEHEERDER)
    for name in ("Zoë", "Zeger", "Anna"):
        student = make_user(f"stu-{name.lower()}", User.Role.STUDENT)
        student.first_name, student.last_name = name, "Zwart"
        student.save()
        organisation_services.enrolment_create(
            student=student, qualification=tree["p1"], started_on=datetime.date(2026, 9, 1)
        )
    bedrijf = organisation_services.leerbedrijf_create(name="Zorghuis De Linde")
    kees = make_user("kees", User.Role.PRAKTIJKOPLEIDER)
    kees.first_name, kees.last_name = "Kees", "Kok"
    kees.save()
    organisation_services.praktijkopleider_create(user=kees, leerbedrijf=bedrijf)

    login(page, live_server, "bea", PASSWORD)
    page.goto(f"{live_server.url}/beheer/organisation/bpvperiode/add/")
    _pick(page, "enrolment", "zeger", "stu-zeger")
    _pick(page, "leerbedrijf", "linde", "Zorghuis De Linde")
    _pick(page, "praktijkopleider", "kok", "Kees Kok")
    page.fill("#id_starts_on", "01-02-2027")
    page.fill("#id_ends_on", "30-06-2027")
    with page.expect_navigation():
        page.locator("[name=_save]").click()
    bpv = BpvPeriode.objects.get()
    assert bpv.enrolment.student.username == "stu-zeger"
    assert bpv.praktijkopleider.user == kees
    assert (bpv.starts_on, bpv.ends_on) == (datetime.date(2027, 2, 1), datetime.date(2027, 6, 30))
