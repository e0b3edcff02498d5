"""Student and klas reports: content, access, reuse, the claim, failures and the sweep."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from organisation import services as organisation_services
from reports import rendering, selectors, services
from reports.fetcher import BASE_URL, StaticOnlyFetcher
from reports.models import ReportJob
from tests.portfolio_fixtures import make_evidence
from tests.report_fixtures import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_celery():
    # Run report tasks in-process even when CELERY_BROKER_URL is set (the PostgreSQL and
    # Redis pass): these tests are about the reports, tests/test_report_celery.py about
    # real workers.
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def request_report(client, user, enrolment, capture):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("reports:request_student", args=[enrolment.pk]))
    assert response.status_code == 302
    return ReportJob.objects.order_by("-id").first()


def download(client, job) -> bytes:
    response = client.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def pdf_files(media) -> list[Path]:
    return sorted((Path(media) / "reports").glob("*.pdf"))


def test_student_report_holds_name_werkprocessen_scores_and_sign_offs(
    client, rworld, django_capture_on_commit_callbacks
):
    job = request_report(
        client, rworld["student"], rworld["enrolment"], django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    assert job.requested_by == rworld["student"]
    assert job.started_at and job.finished_at and job.attempts == 1
    text = pdf_text(download(client, job))
    assert "Sanne Jansen" in text
    assert "90011" in text  # crebo on the cover
    assert "VZ-2A" in text and "Zorghuis De Linde" in text
    for code in ["B1-K1-W1", "B1-K1-W2", "P1-K1-W1"]:
        assert code in text
    assert "P2-K1-W1" not in text  # another profiel's werkproces
    assert "Petra de Vries" in text  # sign-off
    assert "Ahmed Bakker" in text  # the assessor of the vaststelling
    v = rworld["vaststelling"]
    assert f"{v.points} van {v.max_points} punten" in text
    for score in v.scores.all():
        assert score.criterion_text in text
        assert f"{score.value} · {score.level_label}" in text
    assert "Mooi werk, let op de planning." in text
    assert "Verslag wondzorg" in text
    assert "pagina 2 van" in text
    assert f"kenmerk {job.fingerprint[:16]}" in text


def test_mentor_and_assessor_may_request_outsiders_get_404(
    client, rworld, django_capture_on_commit_callbacks
):
    job = request_report(
        client, rworld["docent"], rworld["enrolment"], django_capture_on_commit_callbacks
    )
    assert job.status == ReportJob.Status.DONE
    client.force_login(rworld["assessor"])
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 200
    urls = [
        reverse("reports:job", args=[job.pk]),
        reverse("reports:status", args=[job.pk]),
        reverse("reports:download", args=[job.pk]),
    ]
    for outsider in ["outsider", "other_docent", "other_assessor", "student2", "other_po"]:
        client.force_login(rworld[outsider])
        for url in urls:
            assert client.get(url).status_code == 404, (outsider, url)
        url = reverse("reports:request_student", args=[rworld["enrolment"].pk])
        assert client.post(url).status_code == 404
        assert client.post(reverse("reports:retry", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:request_student", args=[1])).status_code == 405
    client.logout()
    assert client.get(urls[2]).status_code == 302  # to the login page


def test_evidence_title_with_markup_is_text_and_nothing_is_fetched(rworld):
    evil = '<img src="file:///etc/passwd">'
    make_evidence(rworld, title=evil, submit=True)
    data = selectors.student_report_data(enrolment=rworld["enrolment"])
    html = rendering.student_report_html(
        data, fingerprint="0" * 64, job_id=None, generated_at=timezone.now()
    )
    assert evil not in html and "&lt;img" in html
    fetcher = StaticOnlyFetcher()
    text = pdf_text(rendering.html_to_pdf(html, fetcher))
    assert evil in text
    assert fetcher.fetched == [BASE_URL + "static/reports/report.css"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:6379/",
        "https://example.com/static/reports/report.css",
        BASE_URL + "static/../../../etc/passwd.css",
        BASE_URL + "static/reports/../../config/settings.py",
        BASE_URL + "media/evidence/x.png",
        "data:text/css,body{}",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_same_data_reuses_the_pdf_changed_data_makes_a_new_one(
    client, rworld, django_capture_on_commit_callbacks, monkeypatch
):
    first = request_report(
        client, rworld["student"], rworld["enrolment"], django_capture_on_commit_callbacks
    )
    renders = []
    real = rendering.html_to_pdf
    monkeypatch.setattr(rendering, "html_to_pdf", lambda *a, **k: renders.append(1) or real(*a))
    again = request_report(
        client, rworld["docent"], rworld["enrolment"], django_capture_on_commit_callbacks
    )
    assert again.pk != first.pk and again.requested_by == rworld["docent"]
    assert again.status == ReportJob.Status.DONE and again.output == first.output
    assert renders == []
    make_evidence(rworld, title="Nieuw verslag", submit=True)
    changed = request_report(
        client, rworld["student"], rworld["enrolment"], django_capture_on_commit_callbacks
    )
    changed.refresh_from_db()
    assert changed.fingerprint != first.fingerprint and changed.output != first.output
    assert renders == [1]
    assert "Nieuw verslag" in pdf_text(download(client, changed))


def test_running_twice_renders_once(rworld, media):
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.STUDENT, enrolment=rworld["enrolment"], fingerprint="x"
    )
    assert services.job_run(job_id=job.pk) == "done"
    assert services.job_run(job_id=job.pk) == "nothing to do"
    job.refresh_from_db()
    assert job.attempts == 1 and len(pdf_files(media)) == 1


def test_a_held_job_is_busy_until_its_lease_passes(rworld, media):
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.STUDENT, enrolment=rworld["enrolment"], fingerprint="x"
    )
    assert services.job_claim(job_id=job.pk)
    with pytest.raises(services.ReportBusy):
        services.job_run(job_id=job.pk)
    ReportJob.objects.filter(pk=job.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert services.job_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    assert job.attempts == 2 and job.status == ReportJob.Status.DONE


def test_failure_is_shown_and_can_be_retried(
    client, rworld, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(rendering, "html_to_pdf", broken)
    job = request_report(
        client, rworld["student"], rworld["enrolment"], django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and "kapot" in job.error
    page = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "kon niet worden gemaakt" in page and "kapot" not in page
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    download(client, job)


def test_a_job_killed_too_often_fails_instead_of_looping(rworld):
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.STUDENT,
        enrolment=rworld["enrolment"],
        fingerprint="x",
        status=ReportJob.Status.RUNNING,
        attempts=services.MAX_ATTEMPTS,
        lease_until=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert services.job_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and job.attempts == services.MAX_ATTEMPTS


def test_transient_error_gives_the_job_back_for_a_retry(rworld, monkeypatch):
    def flaky(*args, **kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(rendering, "html_to_pdf", flaky)
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.STUDENT, enrolment=rworld["enrolment"], fingerprint="x"
    )
    with pytest.raises(OperationalError):
        services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.QUEUED


def test_sweep_requeues_a_job_whose_worker_died(rworld, media, django_capture_on_commit_callbacks):
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.STUDENT, enrolment=rworld["enrolment"], fingerprint="x"
    )
    services.job_claim(job_id=job.pk)  # ... and the worker was killed
    assert services.sweep_stuck_jobs() == 0  # its lease still holds
    ReportJob.objects.filter(pk=job.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_stuck_jobs() == 1
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and len(pdf_files(media)) == 1
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RUNNING,
        attempts=services.MAX_ATTEMPTS,
        lease_until=timezone.now() - datetime.timedelta(seconds=1),
    )
    services.sweep_stuck_jobs()
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED


def test_status_partial_polls_only_while_the_job_is_active(client, rworld):
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.STUDENT,
        enrolment=rworld["enrolment"],
        fingerprint="x",
        requested_by=rworld["student"],
    )
    client.force_login(rworld["student"])
    url = reverse("reports:status", args=[job.pk])
    assert 'hx-trigger="every 2s"' in client.get(url).content.decode()
    page = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "Status vernieuwen" in page  # without JavaScript: reload
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.DONE, output="x.pdf")
    assert "hx-trigger" not in client.get(url).content.decode()


def test_portfolio_page_offers_the_report_button(client, rworld):
    url = reverse("portfolios:portfolio", args=[rworld["enrolment"].pk])
    button = reverse("reports:request_student", args=[rworld["enrolment"].pk])
    for who, shown in [("student", True), ("docent", True), ("praktijkopleider", False)]:
        client.force_login(rworld[who])
        assert (button in client.get(url).content.decode()) is shown, who


def test_cohort_report_is_a_summary_and_a_zip_of_every_student(
    client, rworld, django_capture_on_commit_callbacks
):
    organisation_services.enrolment_set_cohort(
        enrolment=rworld["enrolment2"], cohort=rworld["cohort"]
    )
    client.force_login(rworld["docent"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request_cohort", args=[rworld["cohort"].pk]))
    assert response.status_code == 302
    job = ReportJob.objects.get(kind=ReportJob.Kind.COHORT)
    assert job.status == ReportJob.Status.DONE, job.error
    assert job.children.count() == 2
    summary = pdf_text(download(client, job))
    assert "VZ-2A" in summary and "Jansen, Sanne" in summary and "student2" in summary
    response = client.get(reverse("reports:archive", args=[job.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [
        "Jansen, Sanne (student).pdf",
        "klasoverzicht.pdf",
        "student2 (student2).pdf",
    ]
    assert "Sanne Jansen" in pdf_text(archive.read("Jansen, Sanne (student).pdf"))
    for outsider in ["other_docent", "student", "outsider"]:
        client.force_login(rworld[outsider])
        assert client.get(reverse("reports:archive", args=[job.pk])).status_code == 404
        url = reverse("reports:request_cohort", args=[rworld["cohort"].pk])
        assert client.post(url).status_code == 404


def test_generate_report_command_writes_the_same_report(rworld, tmp_path):
    out = tmp_path / "rapport.pdf"
    call_command("generate_report", "student", "--out", str(out), stdout=io.StringIO())
    text = pdf_text(out.read_bytes())
    assert "Sanne Jansen" in text and "B1-K1-W2" in text and "Petra de Vries" in text


def test_sweep_resends_a_queued_job_whose_message_was_lost(
    rworld, media, django_capture_on_commit_callbacks
):
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.STUDENT, enrolment=rworld["enrolment"], fingerprint="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_stuck_jobs() == 0  # just queued: its message is on its way
    # Sent an hour ago, and nothing taken since: its message is gone.
    ReportJob.objects.filter(pk=job.pk).update(
        queued_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_stuck_jobs() == 1
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
