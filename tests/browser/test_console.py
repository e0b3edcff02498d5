"""Issue 11's "Done when" for the console, on a 390 px phone: a beheerder creates a klas,
imports students, links a praktijkopleider to a student by BPV CSV and sets a kerntaak to
4-ogen; the praktijkopleider then sees exactly that student. axe on every page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from assessments.models import AssessmentPolicy
from notifications.models import OutgoingMail
from organisation import services as organisation_services
from organisation.models import Enrolment, School, User
from tests.browser.conftest import assert_no_axe_violations, login
from tests.browser.conftest import logout as shared_logout
from tests.notifications.helpers import given_up_mail

pytestmark = pytest.mark.browser

PASSWORD = "geheim-wachtwoord-1"  # make_user's


@pytest.fixture
def school(transactional_db, tree, make_user):
    beheerder = make_user("bea", User.Role.BEHEERDER)
    make_user("mentor", User.Role.DOCENT)
    organisation_services.school_create(name="Testcollege")
    bedrijf = organisation_services.leerbedrijf_create(name="Zorghuis De Linde")
    po = make_user("kees", User.Role.PRAKTIJKOPLEIDER)
    organisation_services.praktijkopleider_create(user=po, leerbedrijf=bedrijf)
    return {"beheerder": beheerder, "tree": tree}


def logout(page):
    page.goto("/")
    shared_logout(page)


def test_beheerder_sets_up_a_klas_and_the_praktijkopleider_sees_the_student(
    page, live_server, school, tmp_path
):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "bea", PASSWORD)
    expect(page.locator("h1")).to_have_text("Je school beheren")
    assert_no_axe_violations(page)
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # A klas with its mentor.
    page.get_by_role("link", name="Klassen, mentoren en assessoren").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Nieuwe klas").click()
    page.fill("#id_name", "VZ-2A")
    page.fill("#id_start_year", "2026")
    page.select_option(
        "#id_qualification",
        label=page.locator("#id_qualification option", has_text="Eerste profiel").inner_text(),
    )
    # The mentor is typed: part of the name suggests the docent (htmx), the key is saved.
    page.locator("#id_mentor").press_sequentially("ment")
    expect(page.locator("#docent-suggesties option")).to_have_count(1)
    expect(page.locator("#docent-suggesties option")).to_have_attribute("value", "mentor")
    page.fill("#id_mentor", "mentor")
    assert_no_axe_violations(page)
    # One mentor is typed a save; this button opens the klas's form again for the next.
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren en nog iemand toevoegen").click()
    expect(page.locator(".alert-success")).to_contain_text("Klas VZ-2A is aangemaakt")
    expect(page.locator("h1")).to_have_text("Klas VZ-2A bewerken")
    # The mentor is ticked, to keep or to untick, and the field is free for the next one.
    expect(page.get_by_role("checkbox", name="mentor")).to_be_checked()
    expect(page.locator("#id_mentor")).to_have_value("")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren", exact=True).click()
    expect(page.locator("table")).to_contain_text("VZ-2A")
    page.goto("/school/klassen/")

    # Students by CSV, into that klas.
    page.goto("/school/")
    page.get_by_role("link", name="Studenten importeren (CSV)").click()
    assert_no_axe_violations(page)
    students = tmp_path / "studenten.csv"
    students.write_text(
        "gebruikersnaam;voornaam;achternaam;email;crebo;klas;startjaar;startdatum\n"
        "s-ada;Ada;Jansen;ada@example.invalid;90011;VZ-2A;2026;2026-09-01\n"
        "s-bo;Bo;de Vries;;90011;VZ-2A;2026;2026-09-01\n",
        encoding="utf-8",
    )
    page.fill("#id_school", "Testcollege")
    page.set_input_files("#id_file", str(students))
    with page.expect_navigation():
        page.get_by_role("button", name="Importeren").click()
    # A worker imports it (here in-process); its page says what came of it.
    expect(page.locator(".import-status")).to_have_text("Klaar")
    expect(page.locator(".alert-success")).to_contain_text("2 nieuwe studenten, 0 nieuwe klassen")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The praktijkopleider to Ada, by BPV CSV; a bad file first.
    page.goto("/school/bpv/importeren/")
    assert_no_axe_violations(page)
    bpv = tmp_path / "bpv.csv"
    bpv.write_text(
        "gebruikersnaam;crebo;praktijkopleider;begindatum;einddatum\n"
        "s-ada;90011;niemand;2026-01-01;\n",
        encoding="utf-8",
    )
    page.set_input_files("#id_file", str(bpv))
    with page.expect_navigation():
        page.get_by_role("button", name="Importeren").click()
    # Each row is looked up by the worker: its problems are on the import's own page.
    expect(page.locator(".import-status")).to_have_text("Niets geïmporteerd")
    expect(page.locator(".alert-danger")).to_contain_text("Regel 2: onbekende praktijkopleider")
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Terug naar BPV-periodes importeren").click()
    expect(page.get_by_role("link", name="bpv.csv")).to_be_visible()
    bpv.write_text(
        "gebruikersnaam;crebo;praktijkopleider;begindatum;einddatum\n"
        "s-ada;90011;kees;2026-01-01;\n",
        encoding="utf-8",
    )
    page.set_input_files("#id_file", str(bpv))
    with page.expect_navigation():
        page.get_by_role("button", name="Importeren").click()
    expect(page.locator(".alert-success")).to_contain_text("1 nieuwe BPV-periodes")

    # 4-ogen for kerntaak B1-K1.
    page.goto("/school/")
    page.get_by_role("link", name="Beoordelingsregels", exact=False).click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Testdossier (90001)").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="B1-K1 Basistaak").click()
    page.get_by_label("Twee assessoren (4-ogen)").check()
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Regel bewaren").click()
    expect(page.locator(".alert-success")).to_contain_text("kerntaak B1-K1 is bewaard")
    assert AssessmentPolicy.objects.get(kerntaak__code="B1-K1").four_eyes

    # The audit log shows what was done.
    page.goto("/school/auditlog/?log=changes")
    expect(page.locator("table")).to_contain_text("BPV-periode")
    assert_no_axe_violations(page)
    logout(page)

    # The praktijkopleider lands on their inbox and sees Ada, and only Ada.
    login(page, live_server, "kees", PASSWORD)
    assert page.url.endswith("/portfolio/inbox/")
    page.goto("/portfolio/")
    expect(page.locator("main")).to_contain_text("Ada Jansen")
    expect(page.locator("main")).not_to_contain_text("Bo de Vries")
    assert_no_axe_violations(page)


def test_beheerder_adds_a_docent_who_activates_and_lands_on_the_klassen(
    page, live_server, school, mailoutbox
):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "bea", PASSWORD)
    page.get_by_role("link", name="Medewerkers: docenten, assessoren en beheerders").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Nieuwe medewerker").click()
    page.select_option("#id_role", label="Docent")
    page.fill("#id_first_name", "Daan")
    page.fill("#id_last_name", "de Vries")
    page.fill("#id_email", "daan@school.example")
    page.fill("#id_username", "dvries")
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    expect(page.locator(".alert-success")).to_contain_text("daan@school.example")
    expect(page.locator("main")).to_contain_text("activatie verstuurd")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    logout(page)

    link = re.search(r"https?://\S+?(/account/uitnodiging/\S+/)", mailoutbox[-1].body).group(1)
    page.goto(link)
    assert_no_axe_violations(page)
    page.fill("#id_new_password1", "een-heel-lang-wachtwoord-42")
    page.fill("#id_new_password2", "een-heel-lang-wachtwoord-42")
    with page.expect_navigation():
        page.get_by_role("button", name="Wachtwoord instellen en inloggen").click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/klassen/$"))
    expect(page.locator("header")).to_contain_text("Daan de Vries")
    assert_no_axe_violations(page)


def test_beheerder_adds_a_bpv_periode_by_hand_on_a_phone(page, live_server, school, make_user):
    ada = make_user("s-ada", User.Role.STUDENT)
    ada.first_name, ada.last_name = "Ada", "Jansen"
    ada.save()
    enrolment = organisation_services.enrolment_create(
        student=ada, qualification=school["tree"]["p1"], started_on=datetime.date(2026, 9, 1)
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "bea", PASSWORD)
    page.goto("/school/bpv/")
    page.get_by_role("link", name="Nieuwe BPV-periode").click()
    # First the student, by search.
    search = page.get_by_role("search", name="Deze lijst doorzoeken")
    search.get_by_role("searchbox").fill("jansen")
    with page.expect_navigation():
        search.get_by_role("button", name="Zoeken").click()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        page.get_by_role("link", name="Ada Jansen").click()
    expect(page.locator("main")).to_contain_text("Student: Ada Jansen (s-ada)")
    # Then the praktijkopleider and the dates; a wrong end date first.
    # Typing part of a name fills the suggestions (htmx), each naming the leerbedrijf.
    page.locator("#id_praktijkopleider").press_sequentially("kee")
    expect(page.locator("#praktijkopleider-suggesties option")).to_have_count(1)
    expect(page.locator("#praktijkopleider-suggesties option")).to_have_attribute("value", "kees")
    page.fill("#id_praktijkopleider", "kees")
    page.fill("#id_starts_on", "2026-10-01")
    page.fill("#id_ends_on", "2026-09-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    expect(page.locator(".error-summary")).to_contain_text("De einddatum ligt voor de begindatum")
    expect(page.locator("main")).to_contain_text("Student: Ada Jansen (s-ada)")
    assert_no_axe_violations(page)
    page.fill("#id_ends_on", "2027-01-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    expect(page.locator(".alert-success")).to_contain_text("De BPV-periode is toegevoegd")
    assert enrolment.bpv_periodes.get().ends_on == datetime.date(2027, 1, 31)


def test_beheerder_adds_a_student_with_a_typed_klas_on_a_phone(page, live_server, school):
    tree = school["tree"]
    testcollege = School.objects.get(name="Testcollege")
    for year in (2025, 2026):
        organisation_services.cohort_create(
            school=testcollege, name="VZ-2A", start_year=year, qualification=tree["p1"]
        )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "bea", PASSWORD)
    page.goto("/school/studenten/nieuw/")
    page.fill("#id_username", "500777")
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Jansen")
    page.select_option(
        "#id_qualification",
        label=page.locator("#id_qualification option", has_text="Eerste profiel").inner_text(),
    )
    page.fill("#id_started_on", "2026-09-01")
    # The name alone fits two klassen: refused, with what to type instead.
    page.fill("#id_cohort", "VZ-2A")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    expect(page.locator(".error-summary")).to_contain_text("Meer dan één klas heet zo")
    assert_no_axe_violations(page)
    # The suggestions (htmx) name each with its startjaar and school, newest first.
    page.fill("#id_cohort", "")
    page.locator("#id_cohort").press_sequentially("vz-")
    options = page.locator("#klas-suggesties option")
    expect(options).to_have_count(2)
    expect(options.first).to_have_attribute("value", "VZ-2A (2026, Testcollege)")
    page.fill("#id_cohort", "VZ-2A (2026, Testcollege)")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    expect(page.locator(".alert-success")).to_be_visible()
    enrolment = Enrolment.objects.get(student__username="500777")
    assert (enrolment.cohort.name, enrolment.cohort.start_year) == ("VZ-2A", 2026)


def test_beheerder_sends_the_given_up_mails_again_on_a_phone(page, live_server, school):
    for n in range(2):
        given_up_mail(n)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "bea", PASSWORD)
    page.goto("/school/")
    page.get_by_role("link", name="E-mails: wat wacht, wat verstuurd is en wat mislukte").click()
    expect(page.get_by_role("list", name="Mislukte e-mails")).to_contain_text("student1@")
    expect(page.locator(".mail-counts")).to_contain_text("Mislukt")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        page.get_by_role("button", name="Alle 2 mislukte e-mails opnieuw versturen").click()
    expect(page.locator(".alert-success")).to_contain_text("2 e-mails staan weer in de wachtrij")
    expect(page.locator("main")).to_contain_text("Geen mislukte e-mails.")
    assert_no_axe_violations(page)
    assert OutgoingMail.objects.filter(status="pending", attempts=0).count() == 2
