"""Browsing the kwalificatiedossier as a person would, with axe-core on every page."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organisation.models import User
from organisation.services import enrolment_create, user_create
from qualifications.export import find_qualification
from tests.browser.conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.browser

PASSWORD = "Bekwaam-test-2026!"


@pytest.fixture
def seeds(transactional_db):
    call_command("loaddata", "competenties", "business_services", "bk_office_manager", verbosity=0)


@pytest.fixture
def docent(seeds):
    return user_create(username="docent", password=PASSWORD, role=User.Role.DOCENT)


@pytest.fixture
def student_p1(seeds):
    student = user_create(username="sem", password=PASSWORD, role=User.Role.STUDENT)
    enrolment_create(
        student=student,
        qualification=find_qualification("23296/P1"),
        started_on=datetime.date(2026, 9, 1),
    )
    return student


def test_docent_walks_from_list_to_p3_werkproces(page, live_server, docent):
    login(page, live_server, "docent", PASSWORD)
    page.goto("/kwalificaties/")  # each role lands on its own work; browse from here
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Office & Management Support Specialist").click()
    expect(page.locator("h1")).to_have_text("Office & Management Support Specialist")
    expect(page.locator("main")).to_contain_text("25728")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="B1-K1-W1: Treedt op als aanspreekpunt voor klanten").click()
    expect(page.locator("h1")).to_contain_text("B1-K1-W1")
    criteria = page.locator("ol.criteria > li")
    expect(criteria).to_have_count(8)
    # Profiel additions are marked in words, not by colour alone.
    expect(criteria.nth(4)).to_contain_text("aanvulling profiel P3")
    expect(criteria.nth(0)).not_to_contain_text("aanvulling")
    assert_no_axe_violations(page)


def test_student_of_p1_sees_basis_without_p3_additions(page, live_server, student_p1):
    login(page, live_server, "sem", PASSWORD)
    page.goto("/kwalificaties/")  # each role lands on its own work; browse from here
    expect(page.locator("table")).to_contain_text("Assistant Business Services")
    expect(page.locator("table")).not_to_contain_text("Office & Management Support Specialist")
    page.get_by_role("link", name="Assistant Business Services").click()
    page.get_by_role("link", name="B1-K1-W1: Treedt op als aanspreekpunt voor klanten").click()
    expect(page.locator("ol.criteria > li")).to_have_count(4)
    expect(page.locator("main")).not_to_contain_text("klantrelatie")
    assert_no_axe_violations(page)


def test_bk_activiteit_uses_its_own_words(page, live_server, docent):
    login(page, live_server, "docent", PASSWORD)
    page.goto("/kwalificaties/")  # each role lands on its own work; browse from here
    page.get_by_role("link", name="Office manager").click()
    expect(page.locator("main")).to_contain_text("Activiteiten")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Activiteit 10: Beheert de administratie").click()
    expect(page.locator("h2").first).to_have_text("Deelactiviteiten")
    expect(page.locator("main")).to_contain_text("Probleemoplossende vaardigheid")
    expect(page.locator("main")).to_contain_text("Kenniselementen")
    assert_no_axe_violations(page)


def test_skip_link_reaches_main_content_by_keyboard(page, live_server, docent):
    login(page, live_server, "docent", PASSWORD)
    page.goto("/kwalificaties/")  # each role lands on its own work; browse from here
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_student_downloads_own_kwalificatie_as_json(page, live_server, student_p1):
    login(page, live_server, "sem", PASSWORD)
    page.goto("/kwalificaties/")  # each role lands on its own work; browse from here
    page.get_by_role("link", name="Assistant Business Services").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download als JSON").click()
    download = info.value
    assert download.suggested_filename == "kwalificatie-23296-P1-v1.json"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["kwalificatie"]["title"] == "Assistant Business Services"
    assert "klantrelatie" not in json.dumps(data, ensure_ascii=False)
    assert_no_axe_violations(page)
