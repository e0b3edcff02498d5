"""Thumbnails of image evidence: re-encoded by Pillow, private, behind the file access check."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portfolios import tasks, uploads
from portfolios.models import EvidenceFile
from tests.portfolio_fixtures import checked_pdf, jpeg_with_gps, make_evidence, stored_files

pytestmark = pytest.mark.django_db


def png_bytes(size=(1200, 800)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 255, 128)).save(out, format="PNG")
    return out.getvalue()


def checked(name, content, content_type):
    return uploads.check_upload(SimpleUploadedFile(name, content, content_type=content_type))


def test_thumbnail_made_after_commit_once_and_small(
    world, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = make_evidence(
            world, files=[checked("foto.png", png_bytes(), "image/png"), checked_pdf()]
        )
    image, pdf = evidence.files.order_by("id")
    assert image.thumbnail and not pdf.thumbnail
    with image.thumbnail.open("rb") as fh, Image.open(fh) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) <= 320
    before = len(stored_files(media))
    tasks.make_thumbnail(image.pk)  # a second run changes nothing
    assert len(stored_files(media)) == before
    assert EvidenceFile.objects.get(pk=image.pk).thumbnail == image.thumbnail


def test_thumbnail_view_checks_access_and_makes_it_on_first_request(client, world, media):
    evidence = make_evidence(
        world, files=[checked("foto.jpg", jpeg_with_gps(), "image/jpeg")], submit=True
    )
    image = evidence.files.get()
    assert not image.thumbnail  # the task never ran (no commit in this test)
    url = reverse("portfolios:thumbnail", args=[image.pk])
    client.force_login(world["student"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert b"Testtelefoon" not in body  # re-encoded: no EXIF of the original
    for who in ("praktijkopleider", "docent"):
        client.force_login(world[who])
        assert client.get(url).status_code == 200
    for who in ("other_po", "early_po", "other_docent", "outsider", "student2"):
        client.force_login(world[who])
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_no_thumbnail_for_pdf_and_draft_hidden_from_praktijkopleider(client, world, media):
    evidence = make_evidence(world, files=[checked_pdf()])
    client.force_login(world["student"])
    pdf = evidence.files.get()
    assert client.get(reverse("portfolios:thumbnail", args=[pdf.pk])).status_code == 404
    draft = make_evidence(world, files=[checked("foto.png", png_bytes((10, 10)), "image/png")])
    image = draft.files.get()
    client.force_login(world["praktijkopleider"])
    assert client.get(reverse("portfolios:thumbnail", args=[image.pk])).status_code == 404


def test_pages_show_thumbnails(client, world, media):
    evidence = make_evidence(
        world, files=[checked("foto.png", png_bytes((40, 40)), "image/png")], submit=True
    )
    image = evidence.files.get()
    url = reverse("portfolios:thumbnail", args=[image.pk])
    client.force_login(world["praktijkopleider"])
    detail = client.get(reverse("portfolios:evidence", args=[evidence.pk])).content.decode()
    assert url in detail
    portfolio = client.get(
        reverse("portfolios:portfolio", args=[world["enrolment"].pk])
    ).content.decode()
    assert url in portfolio
