"""Klas reports on the embedded default (no broker: tasks run in-process, eagerly).

The request queues the parent and every child at once. The parent renders the klas summary
while the children render, then waits without a claim or an attempt; each child counts it
down in the transaction that finishes the child, and the one that reaches zero queues it,
unless the parent is still running, which then assembles the ZIP itself. So a klas report is
done on the first try, whatever order things finish in.
"""

import datetime
import io
import os
import threading
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from organisation import services as organisation_services
from organisation.models import User
from reports import job_selectors, rendering, selectors, services, verification
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


def count_renders(monkeypatch) -> list[int]:
    renders: list[int] = []
    real = rendering.html_to_pdf
    monkeypatch.setattr(
        rendering, "html_to_pdf", lambda *a, **k: renders.append(1) or real(*a, **k)
    )
    return renders


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


def test_a_failed_child_fails_the_parent_and_retry_waits_for_it_again(
    klassen, django_capture_on_commit_callbacks, monkeypatch
):
    mentor, cohorts = klassen
    real = rendering.html_to_pdf
    calls = []

    def first_breaks(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the summary renders first, then the first student
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
    monkeypatch.setattr(services, "_enqueue", lambda pk, child=False: queued.append(pk))
    job = services.report_request(user=mentor, cohort=cohorts[0])
    assert services.job_run(job_id=job.pk) == "waiting"
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


def test_the_request_queues_the_parent_and_every_child_at_once_and_gathers_nothing(
    klassen, monkeypatch
):
    mentor, cohorts = klassen
    queued: list[int] = []
    monkeypatch.setattr(
        services, "_enqueue", lambda pk, child=False: queued.append(pk if not child else -pk)
    )

    def no_data_in_the_request(**kwargs):
        raise AssertionError("the request gathered report data")

    monkeypatch.setattr(selectors, "student_report_data", no_data_in_the_request)
    monkeypatch.setattr(selectors, "cohort_report_data", no_data_in_the_request)
    job = services.report_request(user=mentor, cohort=cohorts[0])
    children = list(job.children.order_by("pk"))
    assert job.status == ReportJob.Status.QUEUED and job.children_pending == 2
    # The parent first: its summary renders while the workers start on the children. The
    # children (negative here) go to the klas reports' own queue.
    assert queued == [job.pk, *[-c.pk for c in children]]
    assert {c.status for c in children} == {ReportJob.Status.QUEUED}
    assert job.fingerprint == "" and {c.fingerprint for c in children} == {""}
    # Asked again while it is being made: the same report, nothing new queued.
    assert services.report_request(user=mentor, cohort=cohorts[0]) == job
    assert len(queued) == 3 and ReportJob.objects.count() == 3


def test_the_request_costs_the_same_queries_for_2_and_30_students(
    klassen, make_user, tree, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mentor, cohorts = klassen
    monkeypatch.setattr(services, "_enqueue", lambda pk, child=False: None)
    for m in range(28):
        student = make_user(f"extra{m:02}", User.Role.STUDENT)
        enrolment = organisation_services.enrolment_create(
            student=student, qualification=tree["p1"], started_on=datetime.date(2026, 9, 1)
        )
        organisation_services.enrolment_set_cohort(enrolment=enrolment, cohort=cohorts[1])
    counts = []
    for cohort in cohorts[:2]:
        with CaptureQueriesContext(connection) as queries:
            services.report_request(user=mentor, cohort=cohort)
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] <= 8, counts


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_the_parent_renders_its_summary_waits_and_the_last_child_queues_it_once(
    klassen, monkeypatch, order
):
    mentor, cohorts = klassen
    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", lambda pk, child=False: queued.append(pk))
    renders = count_renders(monkeypatch)
    job = services.report_request(user=mentor, cohort=cohorts[0])
    children = list(job.children.order_by("pk"))
    queued.clear()
    # First claim: the summary, then waiting, with the attempt given back.
    assert services.job_run(job_id=job.pk) == "waiting"
    job.refresh_from_db()
    assert job.status == ReportJob.Status.WAITING and job.attempts == 0
    assert job.output and job.fingerprint and job.claim == "" and len(renders) == 1
    summary_fingerprint = job.fingerprint
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
    assert job.fingerprint == summary_fingerprint and job.children_pending == 0
    assert len(renders) == 3  # the summary once, each student once
    assert queued == [job.pk]  # nobody queued it again


def test_the_last_child_finishes_while_the_parent_renders_its_summary(klassen, monkeypatch):
    """The children count down to zero while the parent is running: nobody queues it, and
    the parent, finding the count at zero, assembles the ZIP in the same claim."""
    mentor, cohorts = klassen
    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", lambda pk, child=False: queued.append(pk))
    job = services.report_request(user=mentor, cohort=cohorts[0])
    children = list(job.children.all())
    queued.clear()
    real = services._cohort_summary

    def children_finish_meanwhile(parent):
        written = real(parent)
        assert ReportJob.objects.get(pk=job.pk).status == ReportJob.Status.RUNNING
        for child in children:
            assert services.job_run(job_id=child.pk) == "done"
        return written

    monkeypatch.setattr(services, "_cohort_summary", children_finish_meanwhile)
    assert services.job_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.attempts == 1
    assert job.children_pending == 0 and queued == []
    assert len(zip_names(job)) == 3


def test_the_parent_finishes_its_summary_after_all_children(klassen, monkeypatch):
    mentor, cohorts = klassen
    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", lambda pk, child=False: queued.append(pk))
    job = services.report_request(user=mentor, cohort=cohorts[0])
    queued.clear()
    for child in job.children.all():
        assert services.job_run(job_id=child.pk) == "done"
    job.refresh_from_db()
    # Counted down while the parent was still queued: not queued a second time.
    assert job.status == ReportJob.Status.QUEUED and job.children_pending == 0
    assert queued == []
    assert services.job_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.attempts == 1
    assert len(zip_names(job)) == 3


def test_unchanged_data_reuses_every_pdf_and_the_kenmerk_still_verifies(
    klassen, monkeypatch, django_capture_on_commit_callbacks
):
    mentor, cohorts = klassen
    with django_capture_on_commit_callbacks(execute=True):
        first = services.report_request(user=mentor, cohort=cohorts[0])
    first.refresh_from_db()
    assert first.status == ReportJob.Status.DONE
    # The summary's kenmerk is that of the summary's own data.
    data = selectors.cohort_report_data(
        cohort=cohorts[0], enrolments=selectors.cohort_enrolments(cohorts[0])
    )
    assert first.fingerprint == selectors.fingerprint_of(data)
    renders = count_renders(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.report_request(user=mentor, cohort=cohorts[0])
    again.refresh_from_db()
    assert again.pk != first.pk and again.status == ReportJob.Status.DONE
    assert renders == []
    assert again.output == first.output and again.fingerprint == first.fingerprint
    assert sorted(c.output for c in again.children.all()) == sorted(
        c.output for c in first.children.all()
    )
    assert again.attempts == 1 and {c.attempts for c in again.children.all()} == {1}
    assert zip_names(again) == zip_names(first)
    found = verification.verify(verification.printed_kenmerk(first.fingerprint))
    assert found.genuine and found.kind == "Klasrapport" and found.subject == str(cohorts[0])


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="row locks: needs DATABASE_URL=postgres://...",
)
@pytest.mark.django_db(transaction=True)
def test_the_parents_move_to_waiting_queues_behind_the_last_childs_count(klassen, monkeypatch):
    """Real concurrency on PostgreSQL: the last child has counted down (its transaction
    holds the parent's row) when the parent, its summary written, asks to wait. The parent's
    UPDATE waits for the row, then sees zero and the parent assembles the ZIP itself; the
    child, having found the parent running, queued nothing."""
    from django.db import connection

    mentor, cohorts = klassen
    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", lambda pk, child=False: queued.append(pk))
    job = services.report_request(user=mentor, cohort=cohorts[0])
    first, last = job.children.order_by("pk")
    assert services.job_run(job_id=first.pk) == "done"
    first.refresh_from_db()
    token = services.job_claim(job_id=job.pk)
    parent = job_selectors.job_for_run(job.pk)
    parent.output, parent.fingerprint = services._cohort_summary(parent)
    queued.clear()
    counted, commit = threading.Event(), threading.Event()
    results: dict[str, str] = {}

    def last_child():
        try:
            child_token = services.job_claim(job_id=last.pk)
            with transaction.atomic():
                child = job_selectors.job_for_run(last.pk)
                assert services._finish(
                    child,
                    services._mine(last.pk, child_token),
                    status=ReportJob.Status.DONE,
                    output=first.output,
                )
                counted.set()
                commit.wait(10)
        finally:
            connection.close()

    def the_parent():
        try:
            results["parent"] = services._run_cohort(parent, token)
        finally:
            connection.close()

    child_thread = threading.Thread(target=last_child)
    child_thread.start()
    assert counted.wait(10)
    parent_thread = threading.Thread(target=the_parent)
    parent_thread.start()
    parent_thread.join(1.0)
    assert parent_thread.is_alive()  # waiting for the child's row lock
    commit.set()
    child_thread.join(10)
    parent_thread.join(30)
    assert results == {"parent": "done"} and queued == []
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.attempts == 1
    assert job.children_pending == 0 and len(zip_names(job)) == 3


def test_the_status_counts_the_student_reports_still_to_come(client, klassen, monkeypatch):
    from django.urls import reverse

    mentor, cohorts = klassen
    monkeypatch.setattr(services, "_enqueue", lambda pk, child=False: None)
    job = services.report_request(user=mentor, cohort=cohorts[0])
    client.force_login(mentor)
    url = reverse("reports:status", args=[job.pk])
    # Queued, rendering its summary, or waiting: the count shows whatever the parent does.
    assert "Nog 2 studentrapporten te gaan." in client.get(url).content.decode()
    services.job_claim(job_id=job.pk)
    assert "Nog 2 studentrapporten te gaan." in client.get(url).content.decode()
    assert services.job_run(job_id=job.children.first().pk) == "done"
    assert "Nog 1 studentrapport te gaan." in client.get(url).content.decode()
