"""The student's own export: a ZIP with an index.html that opens offline, every bewijsstuk
version with its files, feedback and events, the sign-offs and results, and the same as JSON.
Made by the worker like the reports, access-checked, and deleted after EXPORT_DAYS."""

import datetime
import io
import json
import re
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from credentials import services as credential_services
from portfolios import services as portfolio_services
from portfolios.models import EvidenceFile
from reports import services
from reports.models import ReportJob
from tests.credentials.test_badges import verify
from tests.portfolio_fixtures import PDF_BYTES, make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def exworld(full_world):
    evidence = make_evidence(full_world, title="Foto's van de wond", submit=True)
    portfolio_services.evidence_review(
        reviewer=full_world["praktijkopleider"],
        evidence=evidence,
        accept=False,
        feedback="Voeg een foto van na de behandeling toe.",
    )
    make_evidence(full_world, title="Nog een concept")  # a draft: the student's own, exported
    return {**full_world, "evidence": evidence}


def request_export(client, user, enrolment, capture) -> ReportJob:
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("reports:request_export", args=[enrolment.pk]))
    assert response.status_code == 302
    return ReportJob.objects.filter(kind=ReportJob.Kind.EXPORT).order_by("-id").first()


def download_zip(client, job) -> zipfile.ZipFile:
    response = client.get(reverse("reports:archive", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f"portfolio-{job.enrolment.student.username}.zip" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_the_whole_portfolio_as_html_and_json(
    client, exworld, django_capture_on_commit_callbacks
):
    job = request_export(
        client, exworld["student"], exworld["enrolment"], django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    assert job.attempts == 1 and job.expires_at > timezone.now() + datetime.timedelta(days=6)
    archive = download_zip(client, job)
    names = archive.namelist()
    assert "index.html" in names and "portfolio.json" in names
    data = json.loads(archive.read("portfolio.json"))
    titles = {e["title"] for e in data["evidence"]}
    assert {"Verslag wondzorg", "Foto's van de wond", "Nog een concept"} <= titles
    photo = next(e for e in data["evidence"] if e["title"] == "Foto's van de wond")
    assert photo["status"] == "Teruggestuurd"
    events = photo["versions"][0]["events"]
    assert events[-1]["feedback"] == "Voeg een foto van na de behandeling toe."
    assert events[-1]["by"] == "Petra de Vries"
    # Every file a version links is in the ZIP, byte for byte.
    index = archive.read("index.html").decode()
    links = re.findall(r'href="([^"]+)"', index)
    assert links and all(link.startswith("bestanden/") for link in links)
    for link in links:
        assert archive.read(link) == PDF_BYTES
    assert "Voeg een foto van na de behandeling toe." in index
    assert "Niet uitvoerbaar bij Zorghuis De Linde" in index
    assert "Vervangen" in index and "Tweede gedrag opnieuw bekeken" not in index
    assert "<script" not in index and "http" not in index.split("<body>")[1]
    kerntaken = {wp["code"] for kt in data["kerntaken"] for wp in kt["werkprocessen"]}
    assert {"B1-K1-W1", "B1-K1-W2", "P1-K1-W1"} == kerntaken


def test_only_the_student_and_a_beheerder_may_export(
    client, exworld, django_capture_on_commit_callbacks
):
    job = request_export(
        client, exworld["beheerder"], exworld["enrolment"], django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.requested_by == exworld["beheerder"]
    url = reverse("reports:request_export", args=[exworld["enrolment"].pk])
    assert client.get(url).status_code == 405
    # The mentor and assessor may read the results, not the whole portfolio with its drafts.
    for who in ["docent", "assessor", "praktijkopleider", "student2", "outsider"]:
        client.force_login(exworld[who])
        assert client.post(url).status_code == 404, who
        for name in ["reports:job", "reports:status", "reports:archive"]:
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (who, name)
    client.force_login(exworld["student"])
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 200


def test_an_export_is_deleted_when_it_expires(client, exworld, django_capture_on_commit_callbacks):
    job = request_export(
        client, exworld["student"], exworld["enrolment"], django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    stored = job.archive
    assert default_storage.exists(stored)
    services.sweep_stuck_jobs()
    assert default_storage.exists(stored)  # not yet
    ReportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    services.sweep_stuck_jobs()
    assert not default_storage.exists(stored)
    assert client.get(reverse("reports:archive", args=[job.pk])).status_code == 404
    page = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "Deze export is verlopen" in page


def test_a_file_missing_from_storage_does_not_fail_the_export(
    client, exworld, django_capture_on_commit_callbacks
):
    lost = EvidenceFile.objects.filter(evidence=exworld["evidence"]).first()
    default_storage.delete(lost.file.name)
    job = request_export(
        client, exworld["student"], exworld["enrolment"], django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    archive = download_zip(client, job)
    index = archive.read("index.html").decode()
    data = json.loads(archive.read("portfolio.json"))
    assert len(data["missing_files"]) == 1
    path = data["missing_files"][0]
    assert path.startswith(f"bestanden/{lost.pk}-") and path not in archive.namelist()
    assert "Bestanden die ontbreken" in index
    assert f"{lost.original_name} <strong>(ontbreekt" in index
    assert f'href="{path}"' not in index
    # The other files are all there.
    for link in re.findall(r'href="([^"]+)"', index):
        assert archive.read(link) == PDF_BYTES


def test_the_export_holds_the_students_badges_and_they_verify(
    client, exworld, django_capture_on_commit_callbacks, tmp_path
):
    badge = credential_services.credential_claim(
        student=exworld["student"],
        enrolment=exworld["enrolment"],
        vaststelling_pk=exworld["v2"].pk,
    )
    job = request_export(
        client, exworld["student"], exworld["enrolment"], django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    archive = download_zip(client, job)
    index = archive.read("index.html").decode()
    links = [link for link in re.findall(r'href="([^"]+)"', index) if link.startswith("badges/")]
    assert len(links) == 1 and "B1-K1-W1" in links[0]
    saved = json.loads(archive.read(links[0]))
    assert saved["jwt"] == badge.token
    assert saved["credential"]["credentialSubject"]["achievement"]["humanCode"] == "B1-K1-W1"
    assert "vastgesteld door assessoren" in index
    data = json.loads(archive.read("portfolio.json"))
    assert [b["path"] for b in data["badges"]] == links
    outcome = verify(client, badge, tmp_path, token=saved["jwt"])
    assert outcome == {"verified": True, "revoked": False, "achievement": "B1-K1-W1"}


def test_a_beheerder_asks_for_the_export_from_the_console(
    client, exworld, django_capture_on_commit_callbacks
):
    """The button on the console's student page posts to the export request (a beheerder
    does not read portfolios, so the console is where they ask); only a beheerder sees the
    console page."""
    student, enrolment = exworld["student"], exworld["enrolment"]
    action = f'action="{reverse("reports:request_export", args=[enrolment.pk])}"'
    console = reverse("console:student", args=[student.pk])
    client.force_login(exworld["beheerder"])
    page = client.get(console).content.decode()
    assert action in page and "Portfolio-export (ZIP) aanvragen" in page
    job = request_export(
        client, exworld["beheerder"], enrolment, django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.requested_by == exworld["beheerder"]
    assert client.get(reverse("reports:archive", args=[job.pk])).status_code == 200
    for who in ["student", "docent", "assessor", "praktijkopleider", "outsider"]:
        client.force_login(exworld[who])
        assert client.get(console).status_code == 404, who
    # The student's own portfolio page has the button too.
    client.force_login(student)
    assert (
        action in client.get(reverse("portfolios:portfolio", args=[enrolment.pk])).content.decode()
    )
