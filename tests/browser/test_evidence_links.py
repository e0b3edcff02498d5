"""On a 390 px phone a student links one photo to two werkprocessen, with gedrag for the
second: the other werkprocessen sit in a <details> of fieldsets, the page does not scroll
sideways, and axe-core finds nothing. The bewijsstuk then shows both werkprocessen."""

import datetime
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organisation import services as organisation_services
from organisation.models import User
from qualifications.export import find_qualification
from qualifications.selectors import criteria_for, werkprocessen_of
from tests.browser.conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.browser

PASSWORD = "Bekwaam-test-2026!"


def photo_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), "teal").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def student(transactional_db):
    call_command("loaddata", "competenties", "business_services", "bk_office_manager", verbosity=0)
    user = organisation_services.user_create(
        username="sanne", password=PASSWORD, role=User.Role.STUDENT, first_name="Sanne"
    )
    enrolment = organisation_services.enrolment_create(
        student=user,
        qualification=find_qualification("25728"),
        started_on=datetime.date(2026, 9, 1),
    )
    return enrolment


def test_student_links_one_photo_to_two_werkprocessen_on_a_phone(page, live_server, student):
    page.set_viewport_size({"width": 390, "height": 844})
    first, second = list(
        werkprocessen_of(student.qualification).order_by("kerntaak__position", "position")[:2]
    )
    gedrag = criteria_for(qualification=student.qualification, werkproces=second).first()
    login(page, live_server, "sanne", PASSWORD)
    page.goto(f"{live_server.url}/portfolio/{student.pk}/{first.code}/")
    page.get_by_role("link", name="Bewijsstuk toevoegen").click()
    assert_no_axe_violations(page)
    page.fill("#id_title", "Foto van de balie")
    page.fill("#id_reflection", "Klant geholpen en het dossier bijgewerkt.")
    page.set_input_files(
        "#id_files", [{"name": "balie.png", "mimeType": "image/png", "buffer": photo_png()}]
    )
    page.locator("summary", has_text="andere werkprocessen").click()
    fieldset = page.get_by_role("group", name=f"{second.code} {second.title}")
    fieldset.get_by_label(f"Dit bewijsstuk hoort ook bij {second.code}").check()
    fieldset.get_by_label(gedrag.text).check()
    assert_no_axe_violations(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form scrolls sideways ({width} px)"
    page.get_by_role("button", name="Bewaren als concept").click()
    expect(page.locator("h1")).to_have_text("Foto van de balie")
    links = page.locator("ul.evidence-links")
    expect(links).to_contain_text(first.code)
    expect(links).to_contain_text(second.code)
    expect(links).to_contain_text(gedrag.text)
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/portfolio/{student.pk}/{second.code}/")
    expect(page.locator("main")).to_contain_text("Foto van de balie")
