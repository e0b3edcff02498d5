"""Klas reports on the embedded default (no broker: tasks run in-process, eagerly).

The parent waits for its children without being claimed: each child counts it down in the
transaction that finishes the child, and the one that reaches zero queues it. So a klas
report is done on the first try, whatever order the children finish in.
"""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from organisation import services as organisation_services
from organisation.models import User
from reports import services
from reports.models import ReportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def klassen(tree, make_user, media):
    """20 klassen of 2 students each, and their mentor."""
    mentor = make_user("mentor", User.Role.DOCENT)
    school = organisation_services.school_create(name="Fan-outcollege")
    cohorts = []
    for n in range(20):
        cohort = organisation_services.cohort_create(
            school=school, name=f"K{n:02}", start_year=2026, qualification=tree["p1"],
            mentors=[mentor],
        )  # fmt: skip
        for m in range(2):
            student = make_user(f"s{n:02}{m}", User.Role.STUDENT)
            enrolment = organisation_services.enrolment_create(
                student=student, qualification=tree["p1"], started_on=datetime.date(2026, 9, 1)
            )
            organisation_services.enrolment_set_cohort(enrolment=enrolment, cohort=cohort)
        cohorts.append(cohort)
    return mentor, cohorts


def request_and_plan(mentor, cohort, queued: list[int]) -> ReportJob:
    """The request only records the job; the worker works out the fingerprints and fans out."""
    job = services.report_request(user=mentor, cohort=cohort)
    assert job.status == ReportJob.Status.QUEUED and not job.fingerprint
    assert queued == [job.pk] and not job.children.exists()
    queued.clear()
    assert services.job_run(job_id=job.pk) == "planned"
    job.refresh_from_db()
    assert job.fingerprint and job.attempts == 0  # planning gives its attempt back
    return job


def zip_names(job: ReportJob) -> list[str]:
    with zipfile.ZipFile(io.BytesIO((Path(settings.MEDIA_ROOT) / job.archive).read_bytes())) as z:
        return sorted(z.namelist())


def test_twenty_klas_reports_in_a_row_are_all_done_on_the_first_try(
    klassen, django_capture_on_commit_callbacks
):
    mentor, cohorts = klassen
    for cohort in cohorts:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.report_request(user=mentor, cohort=cohort)
        job.refresh_from_db()
        assert job.status == ReportJob.Status.DONE, job.error
        assert job.attempts == 1 and job.children_pending == 0
        children = list(job.children.all())
        assert [c.status for c in children] == [ReportJob.Status.DONE] * 2
        assert [c.attempts for c in children] == [1, 1]
        students = [e.student.username for e in cohort.enrolments.all()]
        names = [f"{username} ({username}).pdf" for username in students]
        assert zip_names(job) == sorted(["klasoverzicht.pdf", *names])


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_the_parent_is_queued_once_by_the_last_child_in_any_order(
    klassen, django_capture_on_commit_callbacks, monkeypatch, order
):
    mentor, cohorts = klassen
    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", lambda pk: queued.append(pk))
    job = request_and_plan(mentor, cohorts[0], queued)
    children = list(job.children.order_by("pk"))
    assert job.status == ReportJob.Status.WAITING and job.children_pending == 2
    assert sorted(queued) == [c.pk for c in children]  # the parent is not queued yet
    queued.clear()
    # A message for the waiting parent (a duplicate, a sweep) does nothing and costs nothing.
    assert services.job_run(job_id=job.pk) == "nothing to do"
    if order == "backward":
        children.reverse()
    assert services.job_run(job_id=children[0].pk) == "done"
    assert queued == []
    assert services.job_run(job_id=children[0].pk) == "nothing to do"  # delivered twice
    job.refresh_from_db()
    assert job.children_pending == 1 and job.attempts == 0
    assert services.job_run(job_id=children[1].pk) == "done"
    assert queued == [job.pk]
    assert services.job_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.attempts == 1


def test_a_failed_child_fails_the_parent_and_retry_waits_for_it_again(
    klassen, django_capture_on_commit_callbacks, monkeypatch
):
    from reports import rendering

    mentor, cohorts = klassen
    real = rendering.html_to_pdf
    calls = []

    def first_breaks(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("kapot")
        return real(*args, **kwargs)

    monkeypatch.setattr(rendering, "html_to_pdf", first_breaks)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(user=mentor, cohort=cohorts[0])
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and "1 van de studentrapporten" in job.error
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_retry(job=job)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    assert [c.status for c in job.children.all()] == [ReportJob.Status.DONE] * 2


def test_an_empty_klas_is_done_straight_away(
    tree, make_user, media, django_capture_on_commit_callbacks
):
    mentor = make_user("mentor", User.Role.DOCENT)
    school = organisation_services.school_create(name="Leeg")
    cohort = organisation_services.cohort_create(
        school=school, name="LEEG", start_year=2026, qualification=tree["p1"], mentors=[mentor]
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(user=mentor, cohort=cohort)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and zip_names(job) == ["klasoverzicht.pdf"]


def test_the_sweep_queues_a_waiting_parent_whose_children_are_all_finished(
    klassen, django_capture_on_commit_callbacks, monkeypatch
):
    mentor, cohorts = klassen
    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", lambda pk: queued.append(pk))
    job = request_and_plan(mentor, cohorts[0], queued)
    for child in job.children.all():
        assert services.job_run(job_id=child.pk) == "done"
    # As if the count had gone wrong: the sweep finds the parent waiting for nobody.
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.WAITING,
        children_pending=1,
        created_at=job.created_at - datetime.timedelta(hours=1),
    )
    queued.clear()
    assert services.sweep_stuck_jobs() == 1 and queued == [job.pk]


def test_the_request_works_out_no_fingerprint_and_the_worker_reuses_the_same_data(
    klassen, django_capture_on_commit_callbacks, monkeypatch
):
    """Requesting a klas report reads no student's data in the web request; the worker does,
    and a klas whose data has not changed gets the report already made, rendering nothing."""
    mentor, cohorts = klassen
    read: list[int] = []
    real_data = services.selectors.student_report_data

    def counting(*, enrolment):
        read.append(enrolment.pk)
        return real_data(enrolment=enrolment)

    monkeypatch.setattr(services.selectors, "student_report_data", counting)
    queued: list[int] = []
    real_enqueue = services._enqueue
    monkeypatch.setattr(services, "_enqueue", lambda pk: queued.append(pk))
    job = services.report_request(user=mentor, cohort=cohorts[0])
    assert read == [] and queued == [job.pk]
    # A second click before a worker got to it joins the same job.
    assert services.report_request(user=mentor, cohort=cohorts[0]).pk == job.pk
    monkeypatch.setattr(services, "_enqueue", real_enqueue)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.attempts == 1 and read
    from reports import rendering

    renders: list[int] = []
    monkeypatch.setattr(rendering, "html_to_pdf", lambda *a, **k: renders.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        again = services.report_request(user=mentor, cohort=cohorts[0])
    again.refresh_from_db()
    assert again.pk != job.pk and again.status == ReportJob.Status.DONE, again.error
    assert again.fingerprint == job.fingerprint and again.archive == job.archive
    assert renders == [] and not again.children.exists()
