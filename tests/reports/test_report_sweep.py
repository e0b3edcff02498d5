"""The report sweep sends another message only for a queued job whose message was lost.

In a report rush thousands of jobs wait their turn for an hour; the sweep used to send each
of them again at every sweep once it had waited a lease (9 999 duplicates a sweep at 10 000
jobs, 17 s a sweep). It now goes by the queue's order: see services._resend_lost.
"""

import datetime

import pytest
from django.utils import timezone

from reports import services
from reports.models import ReportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The jobs the sweep sent a message for; a klas report's student reports negative
    (they have a queue of their own)."""
    queued: list[int] = []
    monkeypatch.setattr(
        services, "_enqueue", lambda pk, child=False: queued.append(-pk if child else pk)
    )
    return queued


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def job(
    aworld, *, queued_at, status=ReportJob.Status.QUEUED, started_at=None, parent=None
) -> ReportJob:
    return ReportJob.objects.create(
        kind=ReportJob.Kind.STUDENT,
        enrolment=aworld["enrolment"],
        status=status,
        queued_at=queued_at,
        started_at=started_at,
        attempts=0 if started_at is None else 1,
        parent=parent,
    )


def klas_report(aworld) -> ReportJob:
    return ReportJob.objects.create(
        kind=ReportJob.Kind.COHORT,
        cohort=aworld["cohort"],
        status=ReportJob.Status.WAITING,
        queued_at=ago(minutes=20),
        started_at=ago(minutes=20),
    )


def test_jobs_waiting_their_turn_in_a_long_queue_are_not_sent_again(aworld, sent):
    # A rush: 30 jobs sent ten minutes ago still wait, and the workers are working through
    # the jobs sent before them (one started ten seconds ago).
    waiting = [job(aworld, queued_at=ago(minutes=10)) for _ in range(30)]
    job(aworld, queued_at=ago(minutes=11), status="running", started_at=ago(seconds=10))
    assert services.sweep_stuck_jobs() == 0
    assert services.sweep_stuck_jobs() == 0
    assert sent == []
    assert ReportJob.objects.filter(pk__in=[j.pk for j in waiting], status="queued").count() == 30


def test_a_job_the_queue_moved_past_is_sent_again_and_only_that_one(aworld, sent):
    lost = job(aworld, queued_at=ago(minutes=10))
    # Sent after it and taken two minutes ago (more than a lease): its message came first.
    job(aworld, queued_at=ago(minutes=9), status="done", started_at=ago(minutes=2))
    behind = job(aworld, queued_at=ago(minutes=8))  # sent after it: still in line
    assert services.sweep_stuck_jobs() == 1
    assert sent == [lost.pk]
    lost.refresh_from_db()
    assert lost.queued_at > ago(seconds=5)  # the new message's time
    assert services.sweep_stuck_jobs() == 0  # not again while the new one is on its way
    assert sent == [lost.pk] and behind.pk not in sent


def test_when_nothing_moves_one_probe_then_every_lost_job(aworld, sent):
    # Every message lost (Redis restarted empty), or the workers down: nothing taken or
    # sent for ten minutes.
    jobs = [job(aworld, queued_at=ago(minutes=10, seconds=n)) for n in range(5)]
    oldest = jobs[-1]
    assert services.sweep_stuck_jobs() == 1 and sent == [oldest.pk]
    # Workers down: later sweeps send nothing more while the probe waits.
    assert services.sweep_stuck_jobs() == 0 and sent == [oldest.pk]
    # The workers took the probe more than a lease ago: every job sent before it is lost.
    ReportJob.objects.filter(pk=oldest.pk).update(
        status="done", queued_at=ago(minutes=3), started_at=ago(minutes=2)
    )
    assert services.sweep_stuck_jobs() == 4
    assert sorted(sent[1:]) == sorted(j.pk for j in jobs[:-1])


def test_a_job_taken_before_it_was_queued_again_does_not_count_as_taken(aworld, sent):
    # Requeued by the sweep two minutes ago after a claim five minutes ago, still waiting:
    # its old start says nothing about the queue since.
    job(aworld, queued_at=ago(minutes=2), started_at=ago(minutes=5))
    waiting = job(aworld, queued_at=ago(minutes=3))
    job(aworld, queued_at=ago(minutes=4), status="running", started_at=ago(seconds=20))
    assert services.sweep_stuck_jobs() == 0 and waiting.pk not in sent


def test_a_job_held_by_a_busy_worker_child_is_not_sent_again(aworld, sent):
    # A child reserved this job's message while busy with a long report, and another child
    # has since started a job sent after it: within a lease that is the queue's normal order.
    reserved = job(aworld, queued_at=ago(minutes=3))
    job(aworld, queued_at=ago(minutes=2), status="running", started_at=ago(seconds=40))
    assert services.sweep_stuck_jobs() == 0 and reserved.pk not in sent


def test_each_queue_is_judged_by_its_own_order(aworld, sent):
    # A report rush: klas reports' student reports are taken in turn with students' own
    # reports. A student's own report waits behind other students' own reports (one started
    # 30 s ago), while a klas report's student report sent after it was taken minutes ago:
    # that says nothing about the other queue.
    parent = klas_report(aworld)
    own = job(aworld, queued_at=ago(minutes=10))
    job(aworld, queued_at=ago(minutes=11), status="running", started_at=ago(seconds=30))
    job(aworld, queued_at=ago(minutes=9), status="done", started_at=ago(minutes=2), parent=parent)
    in_klas = job(aworld, queued_at=ago(minutes=12), parent=parent)
    # In the klas reports' queue the student report sent three minutes before the taken one
    # was lost; it goes to its own queue again.
    assert services.sweep_stuck_jobs() == 1
    assert sent == [-in_klas.pk] and own.pk not in sent
