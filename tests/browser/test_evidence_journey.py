"""The evidence journey end to end: a student uploads a photo and a PDF, a praktijkopleider
who came in through the invite e-mail returns it with feedback, the student revises and
resubmits, the praktijkopleider accepts and signs off, and the student sees the sign-off.
axe-core runs on every page on the way."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from organisation import services as organisation_services
from organisation.models import Praktijkopleider, User
from qualifications.export import find_qualification
from tests.browser.conftest import assert_no_axe_violations, login, logout
from tests.portfolio_fixtures import PDF_BYTES

pytestmark = pytest.mark.browser

PASSWORD = "Bekwaam-test-2026!"
PO_PASSWORD = "Praktijk-Leren-2026!"
WP = "B1-K1-W1"


def photo_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def cast(transactional_db):
    call_command("loaddata", "competenties", "business_services", "bk_office_manager", verbosity=0)
    beheerder = organisation_services.user_create(
        username="bea", password=PASSWORD, role=User.Role.BEHEERDER, first_name="Bea"
    )
    student = organisation_services.user_create(
        username="sanne",
        password=PASSWORD,
        role=User.Role.STUDENT,
        first_name="Sanne",
        last_name="de Vries",
        email="sanne@example.invalid",
    )
    enrolment = organisation_services.enrolment_create(
        student=student,
        qualification=find_qualification("25728"),
        started_on=datetime.date(2026, 9, 1),
    )
    bedrijf = organisation_services.leerbedrijf_create(name="Administratiekantoor De Balans")
    return {"beheerder": beheerder, "student": student, "enrolment": enrolment, "bedrijf": bedrijf}


def test_evidence_journey(page, live_server, cast, mailoutbox, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    enrolment = cast["enrolment"]

    # The beheerder invites the praktijkopleider.
    # She lands on the console (/school/) and invites from its praktijkopleiders page.
    login(page, live_server, "bea", PASSWORD)
    console = page.get_by_role("navigation", name="Beheer van de school")
    console.get_by_role("link", name="Praktijkopleiders").click()
    page.get_by_role("link", name="Praktijkopleider uitnodigen").click()
    assert_no_axe_violations(page)
    page.fill("#id_first_name", "Piet")
    page.fill("#id_last_name", "Praktijk")
    page.fill("#id_email", "piet@balans.example")
    # Typing part of the name fills the suggestions; the name itself names it too.
    page.locator("#id_leerbedrijf").press_sequentially("Bala")
    expect(page.locator("#leerbedrijf-suggesties option")).to_have_count(1)
    page.fill("#id_leerbedrijf", "Administratiekantoor De Balans")
    with page.expect_navigation():
        page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator(".alert-success")).to_contain_text("piet@balans.example")
    assert_no_axe_violations(page)
    logout(page)
    invite = mailoutbox[-1]
    invite_path = re.search(r"https?://\S+?(/account/uitnodiging/\S+/)", invite.body).group(1)
    # The school plans the BPV (no UI for that in this issue).
    po = Praktijkopleider.objects.get(user__username="piet@balans.example")
    organisation_services.bpv_periode_create(
        enrolment=enrolment,
        praktijkopleider=po,
        starts_on=timezone.localdate() - datetime.timedelta(days=7),
    )

    # The student adds a photo and a PDF to a werkproces, then submits.
    login(page, live_server, "sanne", PASSWORD)
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/portfolio/{enrolment.pk}/{WP}/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Bewijsstuk toevoegen").click()
    assert_no_axe_violations(page)
    page.fill("#id_title", "Klantgesprek aan de balie")
    page.fill("#id_reflection", "Ik heb een klant te woord gestaan en de vraag doorgezet.")
    page.set_input_files(
        "#id_files",
        [
            {"name": "balie.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg()},
            {"name": "gespreksverslag.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
        ],
    )
    uploads = []
    page.on("request", lambda r: r.method == "POST" and uploads.append(r.resource_type))
    page.get_by_role("button", name="Bewaren als concept").click()
    # upload-progress.js sends it with XMLHttpRequest and shows the server's answer.
    expect(page.locator("h1")).to_have_text("Klantgesprek aan de balie")
    expect(page.locator("main")).to_contain_text("gespreksverslag.pdf")
    expect(page.get_by_role("img", name="Voorbeeld van balie.jpg")).to_be_visible()
    assert uploads == ["xhr"]
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Indienen").click()
    expect(page.locator(".alert-success")).to_contain_text("Ingediend")
    assert_no_axe_violations(page)
    logout(page)

    # The praktijkopleider arrives through the invite link and sets a password.
    page.goto(f"{live_server.url}{invite_path}")
    assert_no_axe_violations(page)
    page.fill("#id_new_password1", PO_PASSWORD)
    page.fill("#id_new_password2", PO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Wachtwoord instellen en inloggen").click()
    expect(page.locator("h1")).to_have_text("Te beoordelen")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Klantgesprek aan de balie").click()
    expect(page.get_by_role("img", name="Voorbeeld van balie.jpg")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Terugsturen met feedback").check()
    page.fill("#id_feedback", "Beschrijf ook hoe je de klant hebt teruggebeld.")
    with page.expect_navigation():
        page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.locator(".alert-success")).to_contain_text("Teruggestuurd")
    assert_no_axe_violations(page)
    logout(page)
    assert "Beschrijf ook hoe je de klant hebt teruggebeld." in mailoutbox[-1].body

    # The student revises and resubmits.
    login(page, live_server, "sanne", PASSWORD)
    page.goto(f"{live_server.url}/portfolio/{enrolment.pk}/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Klantgesprek aan de balie").first.click()
    expect(page.locator("main")).to_contain_text("Beschrijf ook hoe je de klant hebt teruggebeld.")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Wijzigen", exact=True).click()
    assert_no_axe_violations(page)
    page.fill("#id_reflection", "Ik heb de klant teruggebeld en de afspraak bevestigd.")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren als concept").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Opnieuw indienen").click()
    expect(page.locator(".alert-success")).to_contain_text("Ingediend")
    logout(page)

    # The praktijkopleider accepts and signs off the werkproces.
    login(page, live_server, "piet@balans.example", PO_PASSWORD)
    page.goto(f"{live_server.url}/portfolio/inbox/")
    page.get_by_role("link", name="Klantgesprek aan de balie").click()
    expect(page.locator("main")).to_contain_text("teruggebeld en de afspraak bevestigd")
    page.get_by_label("Goedkeuren").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.locator(".alert-success")).to_contain_text("Goedgekeurd")
    page.goto(f"{live_server.url}/portfolio/{enrolment.pk}/{WP}/")
    assert_no_axe_violations(page)
    page.locator("#id_confirm").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Werkproces aftekenen").click()
    expect(page.locator(".alert-success")).to_contain_text("afgetekend")
    assert_no_axe_violations(page)
    logout(page)

    # The student sees the sign-off.
    login(page, live_server, "sanne", PASSWORD)
    page.goto(f"{live_server.url}/portfolio/{enrolment.pk}/")
    expect(page.locator("main")).to_contain_text("1 van")
    expect(page.locator("main")).to_contain_text("door Piet Praktijk")
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/portfolio/{enrolment.pk}/{WP}/")
    expect(page.locator("main")).to_contain_text("Afgetekend")
    assert_no_axe_violations(page)


def test_refused_upload_shows_the_form_again_with_progress_script(page, live_server, cast):
    enrolment = cast["enrolment"]
    login(page, live_server, "sanne", PASSWORD)
    page.goto(f"{live_server.url}/portfolio/{enrolment.pk}/{WP}/bewijs-toevoegen/")
    page.fill("#id_title", "Iets raars")
    page.fill("#id_reflection", "Test")
    page.set_input_files(
        "#id_files",
        [{"name": "virus.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00nope"}],
    )
    page.get_by_role("button", name="Bewaren als concept").click()
    # The error summary at the top has the focus and links to the field (issue 12, item 10).
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("virus.pdf is geweigerd")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#id_files']").first).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Iets raars")
    assert_no_axe_violations(page)
    # The re-rendered form is enhanced again: the progress bar is there, hidden.
    expect(page.locator("#upload-progress-bar")).to_be_hidden()
    assert page.locator("#upload-progress-bar").count() == 1


def test_beheer_and_settings_pages_are_accessible(page, live_server, cast, tmp_path):
    login(page, live_server, "bea", PASSWORD)
    page.get_by_role("link", name="Studenten importeren").click()
    assert_no_axe_violations(page)
    csv_file = tmp_path / "studenten.csv"
    csv_file.write_text(
        "gebruikersnaam;voornaam;achternaam;email;crebo;klas;startjaar;startdatum\n"
        "s1;Mo;Amrani;;25728;OMS-3A;2026;2026-09-01\n"
        "s2;Lin;Bos;;99999;OMS-3A;2026;2026-09-01\n",
        encoding="utf-8",
    )
    page.fill("#id_school", "ROC Test")
    page.set_input_files("#id_file", str(csv_file))
    with page.expect_navigation():
        page.get_by_role("button", name="Importeren").click()
    expect(page.locator(".alert-danger")).to_contain_text("Regel 3: onbekend crebo 99999")
    assert_no_axe_violations(page)
    logout(page)

    page.goto(f"{live_server.url}/account/uitnodiging/MQ/bad-token/")
    expect(page.locator("main")).to_contain_text("verlopen of al gebruikt")
    assert_no_axe_violations(page)

    po_user = organisation_services.user_create(
        username="kees", password=PASSWORD, role=User.Role.PRAKTIJKOPLEIDER
    )
    organisation_services.praktijkopleider_create(user=po_user, leerbedrijf=cast["bedrijf"])
    login(page, live_server, "kees", PASSWORD)
    page.get_by_role("link", name="E-mailinstellingen").click()
    assert_no_axe_violations(page)
    page.get_by_label("Stuur mij één overzicht per dag", exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    expect(page.locator(".alert-success")).to_contain_text("bewaard")
    assert Praktijkopleider.objects.get(user=po_user).daily_digest
