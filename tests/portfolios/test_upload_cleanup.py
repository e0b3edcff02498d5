"""A failed upload leaves nothing behind: no row, no file in media, no temporary file."""

import errno
import socket

import pytest
from django.core.files.base import File

from portfolios import uploads
from portfolios.models import Evidence, EvidenceFile
from tests import upload_samples as samples
from tests.portfolio_fixtures import PDF_BYTES, pdf, stored_files
from tests.portfolios.test_portfolio_uploads import post_evidence, upload


@pytest.fixture
def upload_tmp(settings, tmp_path):
    """Django's spooled uploads and our cleaning work both go here, so we can look."""
    path = tmp_path / "upload-tmp"
    path.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload is spooled to disk, as big ones
    return path


def assert_nothing_left(response, media, upload_tmp, message):
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert stored_files(media) == []
    assert list(upload_tmp.iterdir()) == []


@pytest.mark.django_db
def test_failure_while_cleaning_leaves_nothing(client, world, media, upload_tmp, monkeypatch):
    monkeypatch.setattr(uploads, "EXIFTOOL", "/nonexistent/exiftool")
    client.force_login(world["student"])
    files = [pdf(), upload("foto.jpg", samples.photo("JPEG"))]
    response = post_evidence(client, world, files)
    assert_nothing_left(response, media, upload_tmp, "konden er niet uit worden gehaald")


@pytest.mark.django_db
def test_failure_while_scanning_leaves_nothing(client, world, media, upload_tmp, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.BEKWAAM_CLAMD_URL = f"tcp://127.0.0.1:{port}"
    client.force_login(world["student"])
    response = post_evidence(client, world, [upload("foto.jpg", samples.photo("JPEG"))])
    assert_nothing_left(response, media, upload_tmp, "virusscanner nu niet bereikbaar")


@pytest.mark.django_db
def test_disk_full_while_storing_leaves_no_partial_file(
    client, world, media, upload_tmp, monkeypatch
):
    real_chunks = File.chunks
    written = []

    def chunks_then_disk_full(self, chunk_size=None):
        for chunk in real_chunks(self, chunk_size):
            yield chunk
            written.append(len(chunk))
            if len(written) >= 2:  # the first file is whole, the second is half written
                raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(File, "chunks", chunks_then_disk_full)
    monkeypatch.setattr(File, "DEFAULT_CHUNK_SIZE", 256)
    client.force_login(world["student"])
    files = [pdf("een.pdf"), pdf("twee.pdf", PDF_BYTES + b"x" * 2000)]
    response = post_evidence(client, world, files)
    assert len(written) == 2  # the failure really happened mid-write
    assert_nothing_left(response, media, upload_tmp, "kon nu niet worden opgeslagen")


@pytest.mark.django_db
def test_a_stored_upload_leaves_no_temporary_file(client, world, media, upload_tmp):
    client.force_login(world["student"])
    video = upload("IMG_0002.MOV", samples.movie_with_location(upload_tmp.parent))
    response = post_evidence(client, world, [pdf(), video])
    assert response.status_code == 302
    assert len(stored_files(media)) == 2
    assert list(upload_tmp.iterdir()) == []


def test_leftovers_of_a_killed_worker_are_swept(settings, tmp_path, monkeypatch):
    import os
    import time

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    hour_ago = time.time() - uploads.STALE_TEMP_SECONDS - 60
    stale_spool = tmp_path / "tmpab12cd.upload.mp4"  # Django's spooled upload
    stale_spool.write_bytes(b"x" * 1000)
    stale_clean = tmp_path / "bekwaam-clean-x1y2"  # our cleaning directory
    stale_clean.mkdir()
    (stale_clean / "in.jpg").write_bytes(b"y")
    someone_else = tmp_path / "not-ours.txt"
    someone_else.write_text("keep")
    for path in (stale_clean / "in.jpg", stale_spool, stale_clean, someone_else):
        os.utime(path, (hour_ago, hour_ago))
    fresh = tmp_path / "tmpfresh.upload.pdf"  # an upload in progress right now
    fresh.write_bytes(b"z")

    monkeypatch.setattr(uploads, "_last_sweep", 0.0)
    uploads.check_upload(pdf())  # the first upload in a while sweeps
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-ours.txt", "tmpfresh.upload.pdf"]


def test_no_sweep_without_a_directory_of_our_own(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = None
    assert uploads.sweep_stale_temporary_files() == 0
