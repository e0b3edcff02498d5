"""The file viewer: a page per file behind the file access check; photos and PDF pages as
images the worker re-encodes; videos inline with Range; Office files stay downloads."""

import io
import re

import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from portfolios import file_views, previews, tasks, uploads
from portfolios.models import FilePreview
from tests.portfolio_fixtures import (
    checked_pdf,
    jpeg_with_gps,
    make_evidence,
    office_zip,
    stored_files,
)
from tests.upload_samples import MEDIA_DATA, bare_movie

pytestmark = pytest.mark.django_db

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCX_TYPE = uploads.DOCX.content_type


def pdf_with_pages(count: int) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(count):
        document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def png_bytes(size=(2400, 1200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 128, 255)).save(out, format="PNG")
    return out.getvalue()


def checked(name, content, content_type):
    return uploads.check_upload(SimpleUploadedFile(name, content, content_type=content_type))


@pytest.fixture
def evidence(world, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_evidence(
            world,
            files=[
                checked("foto.png", png_bytes(), "image/png"),
                checked("verslag.pdf", pdf_with_pages(3), "application/pdf"),
                checked("filmpje.mp4", bare_movie(b"isom"), "video/mp4"),
                checked("plan.docx", office_zip(DOCX_MAIN), DOCX_TYPE),
            ],
            submit=True,
        )


def files_of(evidence):
    return {f.original_name: f for f in evidence.files.all()}


def view_url(f):
    return reverse("portfolios:file_view", args=[f.pk])


def test_the_worker_makes_a_larger_photo_and_pdf_pages_once(evidence, media):
    files = files_of(evidence)
    photo = files["foto.png"].preview
    assert photo.state == FilePreview.State.READY and photo.page_count == 1
    page = photo.pages.get()
    assert max(page.width, page.height) == 1600
    with page.image.open("rb") as fh, Image.open(fh) as image:
        assert image.format == "JPEG" and image.size == (1600, 800)
    pdf = files["verslag.pdf"].preview
    assert pdf.page_count == 3 and pdf.pages.count() == 3
    assert not FilePreview.objects.filter(evidence_file=files["plan.docx"]).exists()
    assert not FilePreview.objects.filter(evidence_file=files["filmpje.mp4"]).exists()
    before = len(stored_files(media))
    tasks.make_preview(files["verslag.pdf"].pk)  # a second run stores nothing
    assert len(stored_files(media)) == before


def test_an_unreadable_pdf_stays_a_download(world, media, client):
    evidence = make_evidence(world, files=[checked_pdf()], submit=True)
    pdf = evidence.files.get()
    assert previews.preview_make(file_id=pdf.pk).state == FilePreview.State.FAILED
    client.force_login(world["praktijkopleider"])
    page = client.get(view_url(pdf)).content.decode()
    assert "kan niet in de browser worden getoond" in page
    assert reverse("portfolios:file", args=[pdf.pk]) in page


def test_the_viewer_per_role(client, world, evidence):
    files = files_of(evidence)
    for f in files.values():
        url = view_url(f)
        for who in ("student", "praktijkopleider", "docent"):
            client.force_login(world[who])
            assert client.get(url).status_code == 200, (who, f.original_name)
        for who in ("other_po", "early_po", "other_docent", "outsider", "student2", "assessor"):
            client.force_login(world[who])
            assert client.get(url).status_code == 404, who
        client.logout()
        assert client.get(url).status_code == 302
        client.force_login(world["praktijkopleider"])
        assert client.post(url).status_code == 405


def test_photo_and_pdf_pages_show_with_alt_text_and_page_numbers(client, world, evidence):
    files = files_of(evidence)
    client.force_login(world["praktijkopleider"])
    photo = client.get(view_url(files["foto.png"])).content.decode()
    assert reverse("portfolios:file_page", args=[files["foto.png"].pk, 1]) in photo
    assert 'alt="Foto foto.png"' in photo
    assert 'rel="next"' in photo and view_url(files["verslag.pdf"]) in photo
    assert "Bestand 1 van 4" in photo
    pdf = client.get(view_url(files["verslag.pdf"])).content.decode()
    assert "3 pagina&#x27;s" in pdf or "3 pagina's" in pdf
    assert "pagina 2 van 3" in pdf and 'alt="Pagina 3 van 3 van verslag.pdf"' in pdf
    assert 'rel="prev"' in pdf
    image = client.get(reverse("portfolios:file_page", args=[files["verslag.pdf"].pk, 2]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content).startswith(b"\xff\xd8\xff")
    missing = reverse("portfolios:file_page", args=[files["verslag.pdf"].pk, 4])
    assert client.get(missing).status_code == 404
    office = client.get(view_url(files["plan.docx"])).content.decode()
    assert "<img" not in office.split("data-file-viewer", 1)[1]
    client.force_login(world["outsider"])
    page_url = reverse("portfolios:file_page", args=[files["foto.png"].pk, 1])
    assert client.get(page_url).status_code == 404


def test_before_the_worker_ran_it_says_wordt_voorbereid(client, world, media, monkeypatch):
    sent = []
    monkeypatch.setattr("portfolios.file_views.enqueue", lambda task, *a: sent.append(a))
    evidence = make_evidence(
        world, files=[checked("foto.jpg", jpeg_with_gps(), "image/jpeg")], submit=True
    )
    photo = evidence.files.get()
    client.force_login(world["praktijkopleider"])
    page = client.get(view_url(photo)).content.decode()
    assert "Wordt voorbereid" in page
    assert reverse("portfolios:file_page", args=[photo.pk, 1]) not in page
    assert sent == [(photo.pk,)]
    assert client.get(reverse("portfolios:file_page", args=[photo.pk, 1])).status_code == 404


def rendition_url(f, attempt=None):
    url = reverse("portfolios:file_rendition", args=[f.pk])
    return url if attempt is None else f"{url}?poging={attempt}"


def test_while_preparing_the_page_polls_the_rendition_part(client, world, media, monkeypatch):
    sent = []
    monkeypatch.setattr("portfolios.file_views.enqueue", lambda task, *a: sent.append(a))
    evidence = make_evidence(
        world, files=[checked("foto.jpg", jpeg_with_gps(), "image/jpeg")], submit=True
    )
    photo = evidence.files.get()
    client.force_login(world["praktijkopleider"])
    page = client.get(view_url(photo)).content.decode()
    # htmx (served from 'self') asks for the part again; no inline script; the link stays.
    assert f'hx-get="{rendition_url(photo, 1)}"' in page
    assert 'hx-trigger="load delay:3s"' in page and 'hx-swap="outerHTML"' in page
    assert f'<a class="alert-link" href="{view_url(photo)}">Opnieuw laden</a>' in page
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", page))
    part = client.get(rendition_url(photo, 1))
    html = part.content.decode()
    assert part.status_code == 200 and "<html" not in html and "<nav" not in html
    assert html.lstrip().startswith('<div id="file-rendition"')
    assert "Wordt voorbereid" in html and f'hx-get="{rendition_url(photo, 2)}"' in html
    assert sent == [(photo.pk,)]  # the poll does not queue the task again
    # After a while it stops asking and says so; the link is left.
    for attempt in (file_views.MAX_POLLS, "x", "", "²"):
        html = client.get(rendition_url(photo, attempt)).content.decode()
        assert "hx-get" not in html and "langer dan verwacht" in html, attempt
        assert "Opnieuw laden" in html
    # Ready: the part holds the photo and asks no more.
    previews.preview_make(file_id=photo.pk)
    html = client.get(rendition_url(photo, 2)).content.decode()
    assert reverse("portfolios:file_page", args=[photo.pk, 1]) in html
    assert 'alt="Foto foto.jpg"' in html
    assert "hx-get" not in html and "Wordt voorbereid" not in html


def test_the_rendition_part_per_role(client, world, evidence):
    for f in files_of(evidence).values():
        url = rendition_url(f, 1)
        for who in ("student", "praktijkopleider", "docent"):
            client.force_login(world[who])
            assert client.get(url).status_code == 200, (who, f.original_name)
        for who in ("other_po", "early_po", "other_docent", "outsider", "student2", "assessor"):
            client.force_login(world[who])
            assert client.get(url).status_code == 404, who
        client.logout()
        assert client.get(url).status_code == 302
        client.force_login(world["praktijkopleider"])
        assert client.post(url).status_code == 405


def test_without_a_broker_the_view_shows_what_the_task_made_just_now(client, world, media):
    evidence = make_evidence(
        world, files=[checked("foto.jpg", jpeg_with_gps(), "image/jpeg")], submit=True
    )
    photo = evidence.files.get()  # no commit here: the upload's task never ran
    client.force_login(world["praktijkopleider"])
    page = client.get(view_url(photo)).content.decode()  # tasks are eager in the tests
    assert "Wordt voorbereid" not in page
    assert reverse("portfolios:file_page", args=[photo.pk, 1]) in page


def test_video_plays_inline_with_range_and_nosniff(client, world, evidence):
    video = files_of(evidence)["filmpje.mp4"]
    with video.file.open("rb") as fh:
        content = fh.read()  # as stored: the upload check rewrites a movie's boxes
    client.force_login(world["praktijkopleider"])
    page = client.get(view_url(video)).content.decode()
    play = reverse("portfolios:file_play", args=[video.pk])
    assert f'<video class="viewer-video w-100" controls preload="metadata" src="{play}"' in page
    whole = client.get(play)
    assert whole.status_code == 200
    assert whole["Content-Type"] == "video/mp4"
    assert whole["Content-Disposition"] == "inline"
    assert whole["X-Content-Type-Options"] == "nosniff"
    assert whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == content
    part = client.get(play, HTTP_RANGE="bytes=8-107")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 8-107/{len(content)}"
    assert part["Content-Length"] == "100"
    assert b"".join(part.streaming_content) == content[8:108]
    tail = client.get(play, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == content[-10:]
    assert client.get(play, HTTP_RANGE=f"bytes={len(content)}-").status_code == 416
    assert MEDIA_DATA in content
    photo = files_of(evidence)["foto.png"]
    assert client.get(reverse("portfolios:file_play", args=[photo.pk])).status_code == 404
    client.force_login(world["outsider"])
    assert client.get(play).status_code == 404


def test_evidence_page_links_each_viewable_file_to_its_viewer(client, world, evidence):
    files = files_of(evidence)
    client.force_login(world["praktijkopleider"])
    page = client.get(reverse("portfolios:evidence", args=[evidence.pk])).content.decode()
    for name in ("foto.png", "verslag.pdf", "filmpje.mp4"):
        assert f'href="{view_url(files[name])}"' in page
        assert f"Bekijk {name}</a>" in page
    assert view_url(files["plan.docx"]) not in page


def test_the_viewer_runs_the_same_queries_for_2_and_12_pages(
    client, world, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = make_evidence(
            world,
            files=[
                checked("kort.pdf", pdf_with_pages(2), "application/pdf"),
                checked("lang.pdf", pdf_with_pages(12), "application/pdf"),
            ],
            submit=True,
        )
    short, long = evidence.files.order_by("id")
    client.force_login(world["praktijkopleider"])
    counts = []
    for f in (short, long):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(view_url(f)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
