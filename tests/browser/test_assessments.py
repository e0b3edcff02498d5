"""Assessing a P3 werkproces as a person would: one assessor, and the blind 4-ogen flow,
with axe-core on every page."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import AssessmentPolicy
from assessments.policies import default_scale
from organisation import services as organisation_services
from organisation.models import AssessorAssignment, User
from portfolios import services
from qualifications.export import find_qualification
from qualifications.models import Werkproces
from tests.browser.conftest import assert_no_axe_violations, login, logout

pytestmark = pytest.mark.browser

PASSWORD = "Bekwaam-test-2026!"
CODE = "B1-K1-W1"


@pytest.fixture
def setup(transactional_db):
    """Sem follows P3 in klas OMS-3A; anna and bram assess that klas; B1-K1-W1 is signed off."""
    call_command("loaddata", "competenties", "business_services", verbosity=0)
    p3 = find_qualification("25728")
    make = organisation_services.user_create
    sem = make(username="sem", password=PASSWORD, role=User.Role.STUDENT, first_name="Sem",
               last_name="de Vries")  # fmt: skip
    anna = make(username="anna", password=PASSWORD, role=User.Role.ASSESSOR, first_name="Anna")
    bram = make(username="bram", password=PASSWORD, role=User.Role.ASSESSOR, first_name="Bram")
    po_user = make(username="pieter", password=PASSWORD, role=User.Role.PRAKTIJKOPLEIDER)
    enrolment = organisation_services.enrolment_create(
        student=sem, qualification=p3, started_on=datetime.date(2026, 9, 1)
    )
    school = organisation_services.school_create(name="Testcollege")
    cohort = organisation_services.cohort_create(school=school, name="OMS-3A", start_year=2026,
                                    qualification=p3)  # fmt: skip
    organisation_services.enrolment_set_cohort(enrolment=enrolment, cohort=cohort)
    for assessor in (anna, bram):
        AssessorAssignment.objects.create(assessor=assessor, cohort=cohort)
    bedrijf = organisation_services.leerbedrijf_create(name="Kantoor Noord")
    po = organisation_services.praktijkopleider_create(user=po_user, leerbedrijf=bedrijf)
    organisation_services.bpv_periode_create(
        enrolment=enrolment,
        praktijkopleider=po,
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    werkproces = Werkproces.objects.get(kerntaak__dossier=p3.dossier, code=CODE)
    evidence = services.evidence_create(
        student=sem, enrolment=enrolment, werkproces=werkproces, title="Klantgesprek op video",
        reflection="Ik heb de klant geholpen.", date=datetime.date(2026, 10, 1),
        links=["https://example.org/video"],
    )  # fmt: skip
    services.evidence_submit(student=sem, evidence=evidence)
    services.evidence_review(reviewer=po_user, evidence=evidence, accept=True)
    services.werkproces_sign_off(actor=po_user, enrolment=enrolment, werkproces=werkproces,
                                 declaration="Sem kan dit.")  # fmt: skip
    return {"werkproces": werkproces}


def open_from_queue(page, live_server, username):
    login(page, live_server, username, PASSWORD)
    page.get_by_role("link", name="Te beoordelen").click()
    expect(page.locator("h1")).to_have_text("Te beoordelen")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"{CODE} Treedt op als aanspreekpunt voor klanten").click()
    expect(page.locator("h1")).to_contain_text(CODE)


def score_all(page, label, first=None):
    criteria = page.locator("fieldset.criterion")
    expect(criteria).to_have_count(8)  # basisdeel plus the P3 additions
    for i in range(criteria.count()):
        choice = first if (first and i == 0) else label
        criteria.nth(i).get_by_label(choice, exact=True).check()


def test_assessor_scores_every_criterion_and_student_sees_result(page, live_server, setup):
    open_from_queue(page, live_server, "anna")
    expect(page.locator("main")).to_contain_text("Klantgesprek op video")
    expect(page.locator("main")).to_contain_text("Sem kan dit.")
    expect(page.locator("main")).to_contain_text("aanvulling profiel P3")
    assert_no_axe_violations(page)
    # An onvoldoende without a comment is refused, and the input stays.
    score_all(page, "2 – Goed", first="0 – Onvoldoende")
    page.get_by_role("button", name="Vaststellen").click()
    expect(page.locator("fieldset.criterion").first).to_contain_text("Licht een onvoldoende toe")
    assert_no_axe_violations(page)
    score_all(page, "2 – Goed", first="1 – Voldoende")
    page.get_by_label("Feedback voor de student").fill("Sterk klantcontact, blijf zo doorgaan.")
    page.get_by_role("button", name="Vaststellen").click()
    expect(page.locator("h2#result-heading")).to_have_text("Vastgestelde uitslag")
    expect(page.locator(".outcome").first).to_contain_text("Goed")
    expect(page.locator("main")).to_contain_text("15 van 16 punten")
    assert_no_axe_violations(page)
    logout(page)

    login(page, live_server, "sem", PASSWORD)
    page.get_by_role("link", name="Resultaten").click()
    result = page.locator("section.result")
    expect(result).to_have_count(1)
    expect(result).to_contain_text(CODE)
    expect(result.locator(".outcome")).to_contain_text("Goed")
    expect(result).to_contain_text("Sterk klantcontact, blijf zo doorgaan.")
    expect(result.locator("tbody tr")).to_have_count(8)
    assert_no_axe_violations(page)


def test_blind_two_assessor_flow_to_vaststelling(page, live_server, setup):
    AssessmentPolicy.objects.create(
        kerntaak=setup["werkproces"].kerntaak, scale=default_scale(), four_eyes=True
    )
    open_from_queue(page, live_server, "anna")
    expect(page.locator("main")).to_contain_text("Twee assessoren (4-ogen)")
    score_all(page, "1 – Voldoende")
    page.get_by_role("button", name="Scores indienen").click()
    expect(page.locator("main")).to_contain_text("De scores van de andere assessor zie je pas")
    assert_no_axe_violations(page)
    logout(page)

    open_from_queue(page, live_server, "bram")
    # Blind: nothing of anna's scores, and no radio chosen for bram.
    expect(page.locator("main")).not_to_contain_text("Scores van beide assessoren")
    expect(page.locator("main")).not_to_contain_text("Anna")
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)
    assert_no_axe_violations(page)
    score_all(page, "2 – Goed", first="1 – Voldoende")
    page.get_by_role("button", name="Scores indienen").click()
    compare = page.locator("table.compare")
    expect(compare).to_contain_text("Anna")
    expect(compare).to_contain_text("Bram")
    expect(compare.locator("tr.differs")).to_have_count(7)
    assert_no_axe_violations(page)
    # Agreed: goed on all but the first.
    score_all(page, "2 – Goed", first="1 – Voldoende")
    page.get_by_role("button", name="Vaststellen namens beide assessoren").click()
    expect(page.locator("h2#result-heading")).to_have_text("Vastgestelde uitslag")
    expect(page.locator("main")).to_contain_text("Anna en Bram")
    expect(page.locator(".outcome").first).to_contain_text("Goed")
    assert_no_axe_violations(page)


def test_queue_and_results_list_on_a_phone(page, live_server, setup):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "anna", PASSWORD)
    page.goto("/beoordelen/")
    expect(page.locator("main")).to_contain_text("1 werkproces wacht op beoordeling.")
    assert_no_axe_violations(page)
    # The wide table scrolls inside its own region, which a keyboard can reach.
    region = page.get_by_role("region", name="Te beoordelen")
    expect(region).to_have_attribute("tabindex", "0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto("/resultaten/")
    expect(page.locator("main")).to_contain_text("1 student.")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
