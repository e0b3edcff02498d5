"""The praktijkopleider views a bewijsstuk's files in the page, on a desktop and on a 390 px
phone, by keyboard only: open the photo through "Bekijk <naam>", arrow right to the PDF (its
pages as images, "pagina 1 van 2") and the video, back, Escape back to the bewijsstuk.
axe-core finds nothing on any of these pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from portfolios import previews, uploads
from tests.browser.conftest import assert_no_axe_violations, login
from tests.portfolio_fixtures import make_evidence
from tests.portfolios.test_file_viewer import pdf_with_pages
from tests.upload_samples import bare_movie

pytestmark = pytest.mark.browser


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), "teal").save(out, format="PNG")
    return out.getvalue()


def checked(name, content, content_type):
    return uploads.check_upload(SimpleUploadedFile(name, content, content_type=content_type))


# An image's width once it has loaded (0 if it failed): visible comes before loaded, and on a
# busy machine the page rendition was still on its way when the test looked.
LOADED_WIDTH = """e => e.complete ? e.naturalWidth : new Promise(resolve => {
  e.addEventListener("load", () => resolve(e.naturalWidth), {once: true});
  e.addEventListener("error", () => resolve(0), {once: true});
})"""


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_praktijkopleider_views_photo_and_pdf_by_keyboard(page, live_server, world, width):
    page.set_viewport_size({"width": width, "height": 844})
    evidence = make_evidence(
        world,
        files=[
            checked("balie.png", photo(), "image/png"),
            checked("verslag.pdf", pdf_with_pages(2), "application/pdf"),
            checked("filmpje.mp4", bare_movie(b"isom"), "video/mp4"),
        ],
        submit=True,
    )
    login(page, live_server, "praktijkopleider", "geheim-wachtwoord-1")
    page.goto(f"{live_server.url}/portfolio/bewijs/{evidence.pk}/")
    link = page.get_by_role("link", name="Bekijk balie.png", exact=True)
    link.focus()
    outline = link.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline not in ("none", ""), "the focused link shows no focus ring"
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("balie.png")
    image = page.get_by_role("img", name="Foto balie.png")
    expect(image).to_be_visible()
    assert image.evaluate(LOADED_WIDTH) == 1200
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_axe_violations(page)

    page.keyboard.press("ArrowRight")
    expect(page.locator("h1")).to_have_text("verslag.pdf")
    expect(page.locator("main")).to_contain_text("2 pagina's")
    expect(page.locator("main")).to_contain_text("pagina 1 van 2")
    first = page.get_by_role("img", name="Pagina 1 van 2 van verslag.pdf")
    expect(first).to_be_visible()
    assert first.evaluate(LOADED_WIDTH) > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_axe_violations(page)

    page.keyboard.press("ArrowRight")
    expect(page.locator("h1")).to_have_text("filmpje.mp4")
    expect(page.locator("video[controls]")).to_have_count(1)
    assert_no_axe_violations(page)
    page.keyboard.press("ArrowLeft")
    expect(page.locator("h1")).to_have_text("verslag.pdf")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("h1")).to_have_text("balie.png")
    page.keyboard.press("Escape")
    expect(page).to_have_url(f"{live_server.url}/portfolio/bewijs/{evidence.pk}/")


def test_a_photo_being_prepared_appears_without_a_reload(page, live_server, world, monkeypatch):
    """The worker has not made the photo yet: the page says so, keeps the "Opnieuw laden"
    link, and htmx (under the CSP: no inline script) swaps the photo in once it is made."""
    page.set_viewport_size({"width": 390, "height": 844})
    monkeypatch.setattr("portfolios.tasks.previews.preview_make", lambda **kwargs: None)
    evidence = make_evidence(world, files=[checked("balie.png", photo(), "image/png")], submit=True)
    file = evidence.files.get()
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security" in m.text else 0)
    login(page, live_server, "praktijkopleider", "geheim-wachtwoord-1")
    page.goto(f"{live_server.url}/portfolio/bestand/{file.pk}/bekijken/")
    expect(page.get_by_role("status")).to_contain_text("Wordt voorbereid.")
    expect(page.get_by_role("link", name="Opnieuw laden")).to_be_visible()
    assert_no_axe_violations(page)
    page.evaluate("window.notReloaded = true")

    monkeypatch.undo()
    previews.preview_make(file_id=file.pk)
    image = page.get_by_role("img", name="Foto balie.png")
    expect(image).to_be_visible(timeout=10_000)
    assert page.evaluate("window.notReloaded") is True
    expect(page.get_by_text("Wordt voorbereid.")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)
    assert csp_errors == []
