"""A mentor finds who falls behind on the klas dashboard, opens a portfolio, comes back and
exports the filtered matrix; the spreadsheet holds what the screen shows. axe on each page."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from organisation import services as organisation_services
from organisation.models import User
from tests.browser.conftest import assert_no_axe_violations, login
from tests.dashboard_fixtures import add_students

pytestmark = pytest.mark.browser

PASSWORD = "geheim-wachtwoord-1"  # make_user's


@pytest.fixture
def klas(transactional_db, tree, make_user):
    docent = make_user("mentor", User.Role.DOCENT)
    school = organisation_services.school_create(name="Testcollege")
    cohort = organisation_services.cohort_create(
        school=school, name="VZ-2A", start_year=2026, qualification=tree["p1"], mentors=[docent]
    )
    bedrijf = organisation_services.leerbedrijf_create(name="Zorghuis De Linde")
    po = organisation_services.praktijkopleider_create(
        user=make_user("po", User.Role.PRAKTIJKOPLEIDER), leerbedrijf=bedrijf
    )
    # Six students, BPV two-thirds gone; every second one has a werkproces signed off.
    add_students(cohort, po, 6)
    return cohort


def screen_rows(page):
    rows = []
    for row in page.locator("table.matrix tbody tr").all():
        name = row.locator("th a").inner_text().strip()
        done = int(row.locator("td.progress-total").get_attribute("data-done"))
        rows.append((name, done))
    return rows


def test_mentor_filters_opens_student_and_exports(page, live_server, klas, tmp_path):
    login(page, live_server, "mentor", PASSWORD)
    page.get_by_role("link", name="Klassen").click()
    expect(page.locator("h1")).to_have_text("Klassen")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="VZ-2A (2026)").click()
    expect(page.locator("h1")).to_have_text("Klas VZ-2A")
    expect(page.locator("#shown-count")).to_have_text("6 van 6 studenten getoond")
    expect(page.locator(".signals")).to_contain_text("Achter op planning")
    expect(page.locator(".signals")).to_contain_text("niet uitvoerbaar bij Zorghuis De Linde")
    assert_no_axe_violations(page)
    # A signal card leads to the matrix filtered to its students.
    with page.expect_navigation():
        page.locator(".signal-not_feasible a.signal-all").click()
    assert "signaal=niet-uitvoerbaar" in page.url
    shown = page.locator("#shown-count").inner_text()
    assert shown.endswith("van 6 studenten getoond") and not shown.startswith("6 ")
    page.go_back()

    page.get_by_label("Alleen wie achter loopt op de planning").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Toepassen").click()
    expect(page.locator("#shown-count")).to_have_text("3 van 6 studenten getoond")
    assert "achter=1" in page.url
    shown = screen_rows(page)
    assert [done for _, done in shown] == [0, 0, 0]
    column_totals = page.locator("table.matrix tfoot td.column-total").all_inner_texts()
    assert_no_axe_violations(page)

    first = page.locator("table.matrix tbody th a").first
    name = first.inner_text().strip()
    first.click()
    expect(page.locator("main")).to_contain_text(name)
    assert_no_axe_violations(page)
    page.go_back()
    expect(page.locator("#shown-count")).to_have_text("3 van 6 studenten getoond")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporteren als Excel (XLSX)").click()
    path = tmp_path / "export.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    done_col = header.index("Afgetekend of beoordeeld")
    assert [(r[0], r[done_col]) for r in rows] == shown
    assert all(r[header.index("Achter op planning")] == "ja" for r in rows)
    # Column totals on screen ("signed off or better / shown") match the file's cells.
    werkprocessen = header[3:done_col]
    done_words = ("Afgetekend", "Beoordeeld")
    file_totals = [
        f"{sum(1 for r in rows if str(r[3 + i]).startswith(done_words))}/{len(rows)}"
        for i in range(len(werkprocessen))
    ]
    assert file_totals == column_totals


def test_beheerder_compares_klassen_on_a_tablet(page, live_server, klas, make_user):
    make_user("teamleider", User.Role.BEHEERDER)
    page.set_viewport_size({"width": 820, "height": 1180})
    login(page, live_server, "teamleider", PASSWORD)
    page.goto(f"{live_server.url}/klassen/school/")
    expect(page.locator("table.cohorts")).to_contain_text("VZ-2A (2026)")
    expect(page.locator("table.cohorts")).to_contain_text("Eerste profiel")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="VZ-2A (2026)").click()
    expect(page.locator("table.matrix tbody tr")).to_have_count(6)
    # Beheerders read the numbers; portfolios stay with the mentors, so no links to them.
    expect(page.locator("table.matrix tbody th a")).to_have_count(0)
    # The page itself does not scroll sideways on a tablet: only the matrix does.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(page)
