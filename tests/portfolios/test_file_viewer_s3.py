"""The viewer on an S3 bucket (moto's server): previews are made from the bucket and written
to it, served through the access check, and a video's Range is asked of the bucket."""

import pytest
from django.urls import reverse

from tests.portfolio_fixtures import make_evidence
from tests.portfolios.test_file_viewer import checked, pdf_with_pages, png_bytes
from tests.s3 import bucket_keys
from tests.upload_samples import bare_movie

pytestmark = pytest.mark.django_db


def test_previews_live_in_the_bucket_and_video_ranges_come_from_it(
    client, world, s3_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = make_evidence(
            world,
            files=[
                checked("foto.png", png_bytes((800, 600)), "image/png"),
                checked("verslag.pdf", pdf_with_pages(2), "application/pdf"),
                checked("filmpje.mp4", bare_movie(b"isom"), "video/mp4"),
            ],
            submit=True,
        )
    files = {f.original_name: f for f in evidence.files.all()}
    keys = bucket_keys(s3_storage["endpoint"], s3_storage["bucket"])
    pages = [p for f in files.values() if hasattr(f, "preview") for p in f.preview.pages.all()]
    assert len(pages) == 3 and all(p.image.name in keys for p in pages)
    assert not list(s3_storage["media_root"].rglob("*.jpg"))  # nothing on the local disk

    client.force_login(world["praktijkopleider"])
    pdf = files["verslag.pdf"]
    page = client.get(reverse("portfolios:file_view", args=[pdf.pk])).content.decode()
    assert "pagina 2 van 2" in page
    image = client.get(reverse("portfolios:file_page", args=[pdf.pk, 2]))
    assert image.status_code == 200
    assert b"".join(image.streaming_content).startswith(b"\xff\xd8\xff")

    video = files["filmpje.mp4"]
    with video.file.open("rb") as fh:
        content = fh.read()
    part = client.get(reverse("portfolios:file_play", args=[video.pk]), HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 4-11/{len(content)}"
    assert b"".join(part.streaming_content) == content[4:12]
