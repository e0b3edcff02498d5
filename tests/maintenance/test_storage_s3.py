"""Uploads, thumbnails and reports on an S3 bucket (moto's server on 127.0.0.1), served
through the access-checked views; a missing file is a Dutch page, not a 500."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config import storage as file_storage
from portfolios import services as portfolio_services
from portfolios.management.commands.seed_demo import tiny_png
from portfolios.models import EvidenceFile
from reports.models import ReportJob
from tests.portfolio_fixtures import PDF_BYTES, make_evidence, stored_files
from tests.s3 import bucket_keys, s3_client

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def no_local_files(*roots):
    return all(not stored_files(Path(root)) for root in roots)


def upload(client, world, *files):
    client.force_login(world["student"])
    url = reverse("portfolios:evidence_create", args=[world["enrolment"].pk, "B1-K1-W1"])
    response = client.post(
        url,
        {
            "title": "Verslag",
            "date": "2026-10-02",
            "reflection": "Wat ik deed.",
            "links": "",
            "files": list(files),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = world["enrolment"].evidence.get()
    portfolio_services.evidence_submit(student=world["student"], evidence=evidence)


def test_upload_lands_in_the_bucket_and_downloads_through_the_access_check(
    client, world, s3_storage, settings, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            client,
            world,
            SimpleUploadedFile("verslag.pdf", PDF_BYTES, "application/pdf"),
            SimpleUploadedFile("foto.png", tiny_png("teal"), "image/png"),
        )
    pdf = EvidenceFile.objects.get(content_type="application/pdf")
    photo = EvidenceFile.objects.get(content_type="image/png")
    keys = bucket_keys(s3_storage["endpoint"], s3_storage["bucket"])
    assert pdf.file.name in keys and photo.file.name in keys
    assert photo.thumbnail.name in keys  # made by the task, written to the bucket
    assert no_local_files(tmp_path)

    client.force_login(world["praktijkopleider"])
    response = client.get(reverse("portfolios:file", args=[pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert b"".join(response.streaming_content) == PDF_BYTES

    thumb = client.get(reverse("portfolios:thumbnail", args=[photo.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert b"".join(thumb.streaming_content).startswith(b"\xff\xd8\xff")

    # X-Accel-Redirect is for files on nginx's disk; a bucket is streamed instead.
    settings.BEKWAAM_X_ACCEL_REDIRECT = True
    response = client.get(reverse("portfolios:file", args=[pdf.pk]))
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PDF_BYTES

    client.force_login(world["outsider"])
    assert client.get(reverse("portfolios:file", args=[pdf.pk])).status_code == 404


def test_a_file_missing_from_the_bucket_is_a_dutch_404_page(client, world, s3_storage):
    evidence_file = make_evidence(world, submit=True).files.get()
    s3_client(s3_storage["endpoint"]).delete_object(
        Bucket=s3_storage["bucket"], Key=evidence_file.file.name
    )
    client.force_login(world["praktijkopleider"])
    response = client.get(reverse("portfolios:file", args=[evidence_file.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Bestand niet gevonden" in page
    assert "niet meer te vinden in de opslag" in page


def test_a_file_missing_from_local_disk_is_a_dutch_404_page(client, world, settings):
    evidence_file = make_evidence(world, submit=True).files.get()
    default_storage.delete(evidence_file.file.name)
    client.force_login(world["praktijkopleider"])
    for accel in (False, True):
        settings.BEKWAAM_X_ACCEL_REDIRECT = accel
        response = client.get(reverse("portfolios:file", args=[evidence_file.pk]))
        assert response.status_code == 404
        assert "niet meer te vinden in de opslag" in response.content.decode()


def test_reports_are_written_to_and_read_from_the_bucket(
    client, rworld, s3_storage, django_capture_on_commit_callbacks
):
    client.force_login(rworld["student"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request_student", args=[rworld["enrolment"].pk]))
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.DONE
    assert job.output in bucket_keys(s3_storage["endpoint"], s3_storage["bucket"])
    assert no_local_files(s3_storage["media_root"])
    response = client.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and response["Content-Length"] == str(len(body))

    # Rendering again replaces the object under the job's name; no second file appears.
    first = bucket_keys(s3_storage["endpoint"], s3_storage["bucket"])
    file_storage.write_replacing(job.output, b"%PDF-again")
    assert bucket_keys(s3_storage["endpoint"], s3_storage["bucket"]) == first
    assert default_storage.open(job.output).read() == b"%PDF-again"

    s3_client(s3_storage["endpoint"]).delete_object(Bucket=s3_storage["bucket"], Key=job.output)
    response = client.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 404
    assert "niet meer te vinden" in response.content.decode()


def test_cohort_zip_is_assembled_from_the_bucket(
    client, rworld, s3_storage, django_capture_on_commit_callbacks
):
    import io
    import zipfile

    client.force_login(rworld["docent"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:request_cohort", args=[rworld["cohort"].pk]))
    job = ReportJob.objects.get(parent__isnull=True, kind=ReportJob.Kind.COHORT)
    assert job.status == ReportJob.Status.DONE, job.error
    response = client.get(reverse("reports:archive", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert "klasoverzicht.pdf" in names and len(names) >= 2
    assert all(archive.read(name).startswith(b"%PDF-") for name in names)
    assert no_local_files(s3_storage["media_root"])


def settings_in_subprocess(env: dict[str, str], expression: str) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "from django.core.files.storage import storages;"
        f"print({expression})"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "DJANGO_")) and k not in {"CACHE_URL", "REDIS_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_settings_choose_the_bucket_and_the_redis_cache_from_the_environment(tmp_path):
    var = {"BEKWAAM_VAR_DIR": str(tmp_path)}
    default = settings_in_subprocess(
        var,
        "settings.STORAGES['default']['BACKEND'], settings.CACHES['default']['BACKEND'],"
        " settings.DATABASES['default']['CONN_HEALTH_CHECKS']",
    )
    assert default == (
        "django.core.files.storage.FileSystemStorage "
        "django.core.cache.backends.locmem.LocMemCache True"
    )
    env = {
        **var,
        "AWS_STORAGE_BUCKET_NAME": "bekwaam",
        "AWS_S3_ENDPOINT_URL": "http://minio:9000",
        "AWS_ACCESS_KEY_ID": "k",
        "AWS_SECRET_ACCESS_KEY": "s",
        "CACHE_URL": "redis://redis:6379/1",
        "DATABASE_URL": "postgres://u@db:5432/bekwaam",
    }
    chosen = settings_in_subprocess(
        env,
        "type(storages['default']).__name__, settings.CACHES['default']['BACKEND'],"
        " settings.CACHES['default']['LOCATION'],"
        " settings.DATABASES['default']['CONN_HEALTH_CHECKS']",
    )
    assert chosen == ("S3Storage config.cache.ForgivingRedisCache redis://redis:6379/1 True")


def test_presigned_urls_are_short_lived_and_objects_private(s3_storage):
    name = default_storage.save("evidence/x.pdf", SimpleUploadedFile("x.pdf", PDF_BYTES))
    # Nobody reaches an object without signing: no public-read ACL was set.
    plain = requests.get(f"{s3_storage['endpoint']}/{s3_storage['bucket']}/{name}", timeout=5)
    assert plain.status_code == 403
    assert default_storage.querystring_expire == 60
    assert datetime.timedelta(seconds=default_storage.querystring_expire) <= datetime.timedelta(
        minutes=5
    )


def test_deploy_check_wants_one_secret_key_when_files_are_in_a_bucket(settings, monkeypatch):
    from maintenance.checks import shared_secret_key

    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.setenv("BEKWAAM_BADGE_SIGNING_KEY", "a2V5")
    assert shared_secret_key(None) == []  # local disk: one node
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    assert [w.id for w in shared_secret_key(None)] == ["bekwaam.W001"]
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    assert shared_secret_key(None) == []
