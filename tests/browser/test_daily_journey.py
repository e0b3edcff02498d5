"""Issue 12's "Done when" journey, on a desktop and on a 390 px phone: a student links one
photo to two werkprocessen; the praktijkopleider views the photo in the page, comments, the
student replies, the praktijkopleider accepts from the inbox, lands on the next item and
bulk-signs off both werkprocessen; the student sees the bell count and the sign-off.
axe-core runs on every page on the way, and no page scrolls sideways.

The photo viewer ("Bekijk <bestandsnaam>", portfolios:file_view) comes from another branch.
Until it is merged the viewer step cannot run: the journey then runs every other step and
ends with pytest.skip("VIEWER-PENDING ..."), so a missing viewer never passes unnoticed.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from organisation import services as organisation_services
from organisation.models import User
from portfolios import inbox, services
from qualifications.export import find_qualification
from qualifications.selectors import werkprocessen_of
from tests.browser.conftest import assert_no_axe_violations, login
from tests.portfolio_fixtures import checked_pdf

pytestmark = pytest.mark.browser

PASSWORD = "Bekwaam-test-2026!"
PHOTO = "balie.png"


def photo_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (480, 320), "teal").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def cast(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddata", "competenties", "business_services", "bk_office_manager", verbosity=0)
    qualification = find_qualification("25728")
    bedrijf = organisation_services.leerbedrijf_create(name="Administratiekantoor De Balans")
    po_user = organisation_services.user_create(
        username="piet",
        password=PASSWORD,
        role=User.Role.PRAKTIJKOPLEIDER,
        first_name="Piet",
        last_name="Praktijk",
    )
    po = organisation_services.praktijkopleider_create(user=po_user, leerbedrijf=bedrijf)
    enrolments = {}
    for username, first, last in [("sanne", "Sanne", "de Vries"), ("tim", "Tim", "Bakker")]:
        user = organisation_services.user_create(
            username=username,
            password=PASSWORD,
            role=User.Role.STUDENT,
            first_name=first,
            last_name=last,
        )
        enrolments[username] = organisation_services.enrolment_create(
            student=user, qualification=qualification, started_on=datetime.date(2026, 9, 1)
        )
        organisation_services.bpv_periode_create(
            enrolment=enrolments[username],
            praktijkopleider=po,
            starts_on=timezone.localdate() - datetime.timedelta(days=7),
        )
    first, second = list(
        werkprocessen_of(qualification).order_by("kerntaak__position", "position")[:2]
    )
    # Something else already waits in the inbox: the item after Sanne's photo.
    tim = enrolments["tim"]
    waiting = services.evidence_create(
        student=tim.student,
        enrolment=tim,
        werkproces=first,
        title="Offerte voor een klant",
        reflection="Ik heb een offerte opgesteld.",
        date=timezone.localdate(),
        files=[checked_pdf("offerte.pdf")],
    )
    services.evidence_submit(student=tim.student, evidence=waiting)
    return {"sanne": enrolments["sanne"], "first": first, "second": second, "waiting": waiting}


def open_menu(page, width):
    if width < 992:
        page.get_by_role("button", name="Menu openen").click()


def check(page, width):
    assert_no_axe_violations(page)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways at {width} px ({scroll} px)"


def switch_to(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


@pytest.mark.parametrize("width", [1280, 390])
def test_daily_journey(page, live_server, cast, width):
    page.set_viewport_size({"width": width, "height": 844})
    enrolment, first, second = cast["sanne"], cast["first"], cast["second"]
    pending = []

    # The student links one photo to two werkprocessen and submits it.
    login(page, live_server, "sanne", PASSWORD)
    page.goto(f"/portfolio/{enrolment.pk}/{first.code}/")
    page.get_by_role("link", name="Bewijsstuk toevoegen").click()
    check(page, width)
    page.fill("#id_title", "Foto van de balie")
    page.fill("#id_reflection", "Klant geholpen en het dossier bijgewerkt.")
    page.set_input_files(
        "#id_files", [{"name": PHOTO, "mimeType": "image/png", "buffer": photo_png()}]
    )
    page.locator("summary", has_text="andere werkprocessen").click()
    fieldset = page.get_by_role("group", name=f"{second.code} {second.title}")
    fieldset.get_by_label(f"Dit bewijsstuk hoort ook bij {second.code}").check()
    page.get_by_role("button", name="Bewaren als concept").click()
    expect(page.locator("h1")).to_have_text("Foto van de balie")
    expect(page.locator("ul.evidence-links")).to_contain_text(second.code)
    with page.expect_navigation():
        page.get_by_role("button", name="Indienen").click()
    check(page, width)
    evidence_url = page.url

    # The praktijkopleider finds it in the inbox: grouped per student, cards on a phone.
    switch_to(page, live_server, "piet")
    page.goto("/portfolio/inbox/")
    expect(page.locator("tr.inbox-group")).to_have_count(2)
    for label in ("Werkproces", "Ingediend", "Status"):
        cell = page.locator(f'td[data-label="{label}"]').first
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= width, f"{label} is off-screen at {width} px"
    check(page, width)
    page.get_by_role("link", name="Foto van de balie").click()
    expect(page.locator("h1")).to_have_text("Foto van de balie")
    check(page, width)

    # ... views the photo in the page (the viewer of the other branch, once merged) ...
    view = page.get_by_role("link", name=f"Bekijk {PHOTO}")
    if view.count():
        view.first.click()
        expect(page.locator("h1")).to_contain_text(PHOTO)
        check(page, width)
        page.go_back()
        expect(page.locator("h1")).to_have_text("Foto van de balie")
    else:
        pending.append("the praktijkopleider views the photo in the page")

    # ... and asks something in the conversation.
    page.get_by_label("Je reactie").fill("Mooi! Welke vraag had de klant precies?")
    page.get_by_role("button", name="Reactie plaatsen").click()
    expect(page.locator("#reacties")).to_contain_text("Welke vraag had de klant precies?")
    check(page, width)

    # The student is told (the bell), opens the notification and replies.
    switch_to(page, live_server, "sanne")
    open_menu(page, width)
    page.get_by_role("link", name="Meldingen 1 ongelezen").click()
    check(page, width)
    page.get_by_role("link", name="Piet Praktijk reageerde op een bewijsstuk").click()
    expect(page.locator("#reacties")).to_contain_text("Welke vraag had de klant precies?")
    page.get_by_label("Je reactie").fill("Ze wilde haar adres laten wijzigen.")
    page.get_by_role("button", name="Reactie plaatsen").click()
    expect(page.locator("#reacties")).to_contain_text("adres laten wijzigen")
    check(page, width)

    # The praktijkopleider reads the reply, accepts from the inbox and lands on the next item.
    switch_to(page, live_server, "piet")
    page.goto("/portfolio/inbox/")
    page.get_by_role("link", name="Foto van de balie").click()
    expect(page.locator("#reacties")).to_contain_text("adres laten wijzigen")
    # The evidence comes first, the decision below it.
    evidence_top = page.locator("article", has_text=PHOTO).first.bounding_box()["y"]
    assert evidence_top < page.locator("#review-heading").bounding_box()["y"]
    page.get_by_label("Goedkeuren").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.locator(".alert-success")).to_contain_text("Dit is het volgende bewijsstuk")
    expect(page.locator("h1")).to_have_text("Offerte voor een klant")
    check(page, width)

    # ... and signs off both werkprocessen of the photo at once.
    page.goto(f"/portfolio/{enrolment.pk}/")
    page.get_by_role("link", name="Meerdere werkprocessen aftekenen").click()
    check(page, width)
    page.get_by_label(f"{first.code} {first.title}").check()
    page.get_by_label(f"{second.code} {second.title}").check()
    page.get_by_label("Ik verklaar").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Aftekenen").click()
    expect(page.locator(".alert-success")).to_contain_text("2 werkprocessen afgetekend")
    check(page, width)

    # The student sees the bell count (accepted, two sign-offs) and the sign-off.
    switch_to(page, live_server, "sanne")
    open_menu(page, width)
    expect(page.get_by_role("link", name="Meldingen 3 ongelezen")).to_be_visible()
    page.goto(f"/portfolio/{enrolment.pk}/")
    expect(page.locator("#progress-heading + label")).to_contain_text("2 van")
    expect(page.locator("article", has_text=first.title).first).to_contain_text("Afgetekend")
    check(page, width)
    page.goto(evidence_url)
    expect(page.locator("main")).to_contain_text("Goedgekeurd")
    check(page, width)

    if pending:
        pytest.skip(
            "VIEWER-PENDING: every other step passed; not yet run: "
            + "; ".join(pending)
            + " (the 'Bekijk <bestandsnaam>' link comes with the viewer's branch)"
        )


def test_a_praktijkopleider_of_many_students_searches_the_inbox_on_a_phone(
    page, live_server, cast, monkeypatch
):
    # The coordinator of a large leerbedrijf: more students wait than a <select> should hold.
    monkeypatch.setattr(inbox, "STUDENT_OPTIONS", 1)
    sanne = cast["sanne"]
    evidence = services.evidence_create(
        student=sanne.student,
        enrolment=sanne,
        werkproces=cast["first"],
        title="Agenda van de afdeling",
        reflection="Ik heb de agenda bijgehouden.",
        date=timezone.localdate(),
        files=[checked_pdf("agenda.pdf")],
    )
    services.evidence_submit(student=sanne.student, evidence=evidence)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "piet", PASSWORD)
    page.goto("/portfolio/inbox/")
    expect(page.locator("#inbox-student")).to_have_count(0)
    page.get_by_label("Student").fill("vries")
    with page.expect_navigation():
        page.get_by_role("button", name="Toepassen").click()
    expect(page.locator("main")).to_contain_text("1 bewijsstuk wacht op je.")
    expect(page.locator("main")).to_contain_text("Agenda van de afdeling")
    expect(page.locator("main")).not_to_contain_text("Offerte voor een klant")
    expect(page.get_by_label("Student")).to_have_value("vries")
    check(page, 390)
