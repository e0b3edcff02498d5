"""Report jobs: request, claim, render, finish, retry and sweep.

A job moves queued -> running -> done | failed. Workers claim it with a conditional UPDATE
that only succeeds on a queued job or on a running one whose lease has passed, so a task
delivered twice (acks_late redelivers after a worker dies) renders the report once, and a
report whose worker was SIGKILLed is rendered by the next worker that gets the message
(redelivery, or the beat sweep). Output files are written under a name fixed by the job, through
the storage, replacing whole (config.storage.write_replacing), so a second run replaces
rather than adds a file.

A klas report fans out to one student job per student, queued together with the parent in
the request (which gathers no data: each job does, in the worker). The parent renders the klas
summary alongside the children, then waits (status WAITING) without a claim or an attempt;
each child lowers the parent's `children_pending` in the very transaction that finishes the
child, and the child that brings it to zero queues a waiting parent. A parent still busy with
its summary when the count reaches zero assembles the ZIP in that same claim (_run_cohort).
We chose that counter over a Celery chord: a chord needs a result backend (we run without
one, and the embedded default has no broker at all), it re-runs its callback on redelivery,
and it lives in the broker, so a restart or a swept child would lose it; the counter is a row
in our own database, counted exactly once because the child's DONE/FAILED update succeeds
once, and it works the same when tasks run in-process.

This module stays whole: the claim, the finish, the child count and the sweep are one state
machine, and splitting them would put its transitions in different files.
"""

import datetime
import io
import json
import logging
import secrets
import shutil
import tempfile
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config import storage
from config.storage import write_replacing
from config.tasks import enqueue_on_commit
from organisation.models import Cohort, Enrolment, User

from . import export_selectors, job_selectors, rendering, selectors
from .models import ReportJob

logger = logging.getLogger(__name__)

# Errors that say "try again later", not "this report cannot be made".
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
ACTIVE = [ReportJob.Status.WAITING, ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]
# A job whose claims ended this often without a result (its worker died, or a transient
# error) is failed rather than tried again. Waiting for children is no attempt.
MAX_ATTEMPTS = 5


def lease_seconds() -> int:
    # The hard time limit kills a task at BEKWAAM_REPORT_TIME_LIMIT, so a live worker never
    # holds a claim past it; the margin covers the time between claim and the task's clock.
    return int(getattr(settings, "BEKWAAM_REPORT_TIME_LIMIT", 60)) + 5


class ReportBusy(Exception):
    """Another worker holds the job; look again when its lease may have passed."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


# The student reports of a klas report wait in a queue of their own, which workers take
# turns with (config.settings), so that a student's own report, or a klas report's ZIP,
# is not made after a whole report rush.
KLAS_QUEUE = "klas-reports"


def _enqueue(job_id: int, *, child: bool = False) -> None:
    # By name: tasks.py imports this module to call its services.
    enqueue_on_commit("reports.tasks.render_report", job_id, queue=KLAS_QUEUE if child else None)


# --- Requesting -----------------------------------------------------------------------------


def report_request(
    *, user: User, enrolment: Enrolment | None = None, cohort: Cohort | None = None
) -> ReportJob:
    """Record a request and queue the work; an active report of the same subject is returned
    instead of a second one.

    The request gathers no report data: the worker does (and reuses an earlier PDF of the
    very same data, see _reusable). Gathering it here took ~70 ms a student, ~2 s for a
    klas of 30, all of it serial time before the first worker could start.

    A klas report is made as one child job per student (so that workers share the work) plus
    the parent, all queued at once, the parent first: it renders the klas summary while the
    workers start on the children, then waits for them without holding a worker
    (_run_cohort) and assembles the ZIP when the last child is finished (_child_finished)."""
    if (enrolment is None) == (cohort is None):
        raise ValueError("Give an enrolment or a cohort")
    if enrolment is not None:
        kind, subject, lock = ReportJob.Kind.STUDENT, {"enrolment": enrolment}, Enrolment
    else:
        kind, subject, lock = ReportJob.Kind.COHORT, {"cohort": cohort}, Cohort
    with transaction.atomic():
        # One request at a time per subject (a double click waits, then finds the first).
        # NO KEY: inserting rows that refer to the subject stays possible meanwhile.
        subject_pk = (enrolment or cohort).pk
        list(lock.objects.select_for_update(no_key=True).filter(pk=subject_pk).values("pk"))
        active = ReportJob.objects.filter(
            kind=kind, status__in=ACTIVE, parent__isnull=True, **subject
        ).first()
        if active is not None:
            return active
        if kind == ReportJob.Kind.STUDENT:
            job = ReportJob.objects.create(kind=kind, requested_by=user, **subject)
            _enqueue(job.pk)
            return job
        enrolment_ids = list(cohort.enrolments.order_by("pk").values_list("pk", flat=True))
        job = ReportJob.objects.create(
            kind=kind, requested_by=user, children_pending=len(enrolment_ids), **subject
        )
        kids = ReportJob.objects.bulk_create(
            ReportJob(kind=ReportJob.Kind.STUDENT, enrolment_id=pk, parent=job, requested_by=user)
            for pk in enrolment_ids
        )
        # The parent first: its summary is the longest single render, so it starts at once
        # rather than after the last child (it would then be the tail of the whole report).
        _enqueue(job.pk)
        for kid in kids:
            _enqueue(kid.pk, child=True)
        return job


# How long an export (a copy of the whole portfolio) is kept for download.
EXPORT_DAYS = 7


def export_request(*, user: User, enrolment: Enrolment) -> ReportJob:
    """Queue an export of one student's portfolio (get the enrolment through
    selectors.get_export_enrolment_for_user). One at a time: an active one is returned."""
    with transaction.atomic():
        active = ReportJob.objects.filter(
            kind=ReportJob.Kind.EXPORT, enrolment=enrolment, status__in=ACTIVE
        ).first()
        if active is not None:
            return active
        job = ReportJob.objects.create(
            kind=ReportJob.Kind.EXPORT, enrolment=enrolment, requested_by=user, fingerprint="-"
        )
        _enqueue(job.pk)
        return job


_FRESH = {"error": "", "attempts": 0, "lease_until": None, "claim": ""}


def report_retry(*, job: ReportJob) -> bool:
    """Queue a failed job again; for a klas report, its failed children too, and the parent
    with them: it makes its summary anew (the data may have changed since) and waits for
    them as on the first run."""
    with transaction.atomic():
        failed = ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.FAILED)
        if not failed.select_for_update().exists():
            return False
        kids = list(
            ReportJob.objects.filter(parent=job, status=ReportJob.Status.FAILED).values_list(
                "pk", flat=True
            )
        )
        now = timezone.now()
        ReportJob.objects.filter(pk__in=kids).update(
            status=ReportJob.Status.QUEUED, queued_at=now, **_FRESH
        )
        failed.update(
            status=ReportJob.Status.QUEUED,
            queued_at=now,
            children_pending=len(kids),
            finished_at=None,
            output="",
            fingerprint="",
            **_FRESH,
        )
        _enqueue(job.pk)
        for pk in kids:
            _enqueue(pk, child=True)
    return True


# --- Running --------------------------------------------------------------------------------


def job_claim(*, job_id: int) -> str | None:
    """Take a queued job, or a running one whose worker's lease has passed (that worker is
    gone: its claim counted as an attempt that ended without a result)."""
    now = timezone.now()
    token = secrets.token_hex(16)
    claimed = (
        ReportJob.objects.filter(pk=job_id, attempts__lt=MAX_ATTEMPTS)
        .filter(
            Q(status=ReportJob.Status.QUEUED)
            | Q(status=ReportJob.Status.RUNNING, lease_until__lt=now)
        )
        .update(
            status=ReportJob.Status.RUNNING,
            claim=token,
            attempts=F("attempts") + 1,
            started_at=now,
            lease_until=now + datetime.timedelta(seconds=lease_seconds()),
        )
    )
    return token if claimed else None


def _mine(job_id: int, token: str):
    return ReportJob.objects.filter(pk=job_id, claim=token, status=ReportJob.Status.RUNNING)


def _finish(job: ReportJob, rows, **fields) -> bool:
    """Move a job (narrowed to `rows`, a conditional queryset) to done or failed, and tell
    its parent in the same transaction. Only the one update that wins counts."""
    if not job.parent_id:
        # One UPDATE is atomic by itself: no transaction round trips for a lone report.
        return bool(rows.update(finished_at=timezone.now(), lease_until=None, **fields))
    with transaction.atomic():
        finished = rows.update(finished_at=timezone.now(), lease_until=None, **fields)
        if finished:
            _child_finished(job.parent_id)
    return bool(finished)


def _child_finished(parent_id: int) -> None:
    """One child less to wait for, whatever the parent is doing (rendering its summary,
    waiting, or not yet started), as long as it is not finished. The UPDATE takes the
    parent's row lock until the child's transaction commits, so children that finish at the
    same moment count down one after the other, and the parent's own move to WAITING
    (_run_cohort) sees the count after them. Only a parent that is WAITING when the count
    reaches zero is queued, exactly once (the WAITING -> QUEUED update succeeds once); one
    that is still running finds the zero itself and assembles the ZIP in that claim."""
    parent = ReportJob.objects.filter(pk=parent_id, status__in=ACTIVE)
    parent.filter(children_pending__gt=0).update(children_pending=F("children_pending") - 1)
    if parent.filter(status=ReportJob.Status.WAITING, children_pending=0).update(
        status=ReportJob.Status.QUEUED, queued_at=timezone.now()
    ):
        _enqueue(parent_id)


def _write(relative: str, content: bytes) -> None:
    # Through the storage (disk or bucket), replacing whole: see config.storage.
    write_replacing(relative, content)


@dataclass
class Rendered:
    fingerprint: str
    pdf: bytes


def _student_pdf(data: dict, fingerprint: str, job_id: int | None, now) -> bytes:
    logo = selectors.school_logo(data)
    html = rendering.student_report_html(
        data, fingerprint=fingerprint, job_id=job_id, generated_at=now, logo=logo is not None
    )
    return rendering.html_to_pdf(html, resources={selectors.LOGO_URL: logo} if logo else None)


def render_student(
    *, enrolment: Enrolment, job_id: int | None = None, now: datetime.datetime | None = None
) -> Rendered:
    data = selectors.student_report_data(enrolment=enrolment)
    fingerprint = selectors.fingerprint_of(data)
    return Rendered(fingerprint, _student_pdf(data, fingerprint, job_id, now or timezone.now()))


def _reusable(job: ReportJob, fingerprint: str) -> str:
    """The PDF of the latest finished report of the same subject, if it showed the very same
    data (equal fingerprint) and its file is still there: handed out again, not rendered.

    The candidate comes with the job itself (job_selectors.job_for_run annotates it), so the
    check costs no round trip; only the latest is compared, as the one an unchanged student
    would match."""
    if fingerprint and getattr(job, "latest_fingerprint", None) == fingerprint:
        output = job.latest_output
        if output and default_storage.exists(output):
            return output
    return ""


def _give_up(job: ReportJob) -> bool:
    """Fail a job that was abandoned MAX_ATTEMPTS times, if it is still stuck."""
    stuck = Q(status=ReportJob.Status.QUEUED) | Q(
        status=ReportJob.Status.RUNNING, lease_until__lt=timezone.now()
    )
    return _finish(
        job,
        ReportJob.objects.filter(stuck, pk=job.pk),
        status=ReportJob.Status.FAILED,
        error=_("Het maken van het rapport is te vaak afgebroken."),
    )


def job_run(*, job_id: int) -> str:
    """Render one job, once. Returns what happened (for logs and tests)."""
    token = job_claim(job_id=job_id)
    if token is None:
        job = ReportJob.objects.filter(pk=job_id).first()
        if job is None or job.status not in {ReportJob.Status.QUEUED, ReportJob.Status.RUNNING}:
            return "nothing to do"  # done, failed, or a klas report waiting for children
        if job.attempts >= MAX_ATTEMPTS:
            # Killed (or timed out) this often: rendering it again would only loop.
            return "failed" if _give_up(job) else "nothing to do"
        if job.status == ReportJob.Status.RUNNING and job.lease_until:
            # Held by a live worker, or by a dead one until its lease passes: look again
            # just after the lease would end.
            wait = (job.lease_until - timezone.now()).total_seconds()
            raise ReportBusy(max(1.0, wait + 1))
        return "nothing to do"
    job = job_selectors.job_for_run(job_id)
    try:
        if job.kind == ReportJob.Kind.STUDENT:
            return _run_student(job, token)
        if job.kind == ReportJob.Kind.EXPORT:
            return _run_export(job, token)
        return _run_cohort(job, token)
    except TRANSIENT_ERRORS:
        # Give the job back so the retry (or the sweep) can claim it again.
        _mine(job_id, token).update(
            status=ReportJob.Status.QUEUED, lease_until=None, queued_at=timezone.now()
        )
        raise
    except Exception as exc:
        logger.exception("Report job %s failed", job_id)
        _finish(
            job,
            _mine(job_id, token),
            status=ReportJob.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return "failed"


def _run_student(job: ReportJob, token: str) -> str:
    """The data is gathered here, in the worker, not in the request: its fingerprint decides
    whether an earlier PDF can be handed out again (_reusable) or a new one is rendered."""
    data = selectors.student_report_data(enrolment=job.enrolment)
    fingerprint = selectors.fingerprint_of(data)
    relative = _reusable(job, fingerprint)
    if not relative:
        relative = f"reports/job-{job.pk}.pdf"
        _write(relative, _student_pdf(data, fingerprint, job.pk, timezone.now()))
    finished = _finish(
        job,
        _mine(job.pk, token),
        status=ReportJob.Status.DONE,
        output=relative,
        fingerprint=fingerprint,
        error="",
    )
    return "done" if finished else "lost claim"


def zip_entry_name(data: dict) -> str:
    """`Jansen, Sanne (123456).pdf`: what a mentor looks for in the ZIP, safe as a file name."""
    student = data["student"]
    name = student["sort_name"] or student["name"]
    cleaned = "".join(c for c in f"{name} ({student['number']})" if c not in '\\/:*?"<>|')
    return f"{cleaned.strip()[:150]}.pdf"


def _run_cohort(job: ReportJob, token: str) -> str:
    """The klas summary, then the ZIP once every child is finished.

    The first claim renders the summary at once, in parallel with the children (a summary of
    unchanged data is reused), and writes it. Then, in one conditional UPDATE under the row
    lock, it moves to WAITING only if children are still pending, giving back the attempt
    this claim took (waiting is no failure); the last child queues it again and that claim
    finds the summary written and only assembles. If the children were all finished by then
    (the count is already zero), this same claim assembles the ZIP: no second claim."""
    output, fingerprint = job.output, job.fingerprint
    if not (output and fingerprint and default_storage.exists(output)):
        output, fingerprint = _cohort_summary(job)
    waited = (
        _mine(job.pk, token)
        .filter(children_pending__gt=0)
        .update(
            status=ReportJob.Status.WAITING,
            output=output,
            fingerprint=fingerprint,
            lease_until=None,
            claim="",
            attempts=F("attempts") - 1,
        )
    )
    if waited:
        return "waiting"
    return _assemble(job, token, output, fingerprint)


def _cohort_summary(job: ReportJob) -> tuple[str, str]:
    """Write the klas summary of the klas as it was asked for (a student who joined since
    has no report in it); its kenmerk is the fingerprint of what the summary shows."""
    asked = set(job.children.values_list("enrolment_id", flat=True))
    enrolments = [e for e in selectors.cohort_enrolments(job.cohort) if e.pk in asked]
    data = selectors.cohort_report_data(cohort=job.cohort, enrolments=enrolments)
    fingerprint = selectors.fingerprint_of(data)
    if relative := _reusable(job, fingerprint):
        return relative, fingerprint
    logo = selectors.school_logo(data)
    html = rendering.cohort_report_html(
        data,
        fingerprint=fingerprint,
        job_id=job.pk,
        generated_at=timezone.now(),
        logo=logo is not None,
    )
    summary = rendering.html_to_pdf(html, resources={selectors.LOGO_URL: logo} if logo else None)
    relative = f"reports/job-{job.pk}.pdf"
    _write(relative, summary)
    return relative, fingerprint


def _assemble(job: ReportJob, token: str, output: str, fingerprint: str) -> str:
    """Every child is finished: the ZIP with the summary and each student's report."""
    children = list(job.children.select_related("enrolment__student"))
    failed = [c for c in children if c.status == ReportJob.Status.FAILED]
    if failed:
        _finish(
            job,
            _mine(job.pk, token),
            status=ReportJob.Status.FAILED,
            output=output,
            fingerprint=fingerprint,
            error=_("%(n)d van de studentrapporten zijn mislukt.") % {"n": len(failed)},
        )
        return "failed"
    pending = [c for c in children if c.status != ReportJob.Status.DONE]
    if pending:
        # Cannot happen while children count down in their own transaction; if it does,
        # wait again (the sweep is the safety net) and give back the attempt.
        _mine(job.pk, token).update(
            status=ReportJob.Status.WAITING,
            children_pending=len(pending),
            output=output,
            fingerprint=fingerprint,
            lease_until=None,
            claim="",
            attempts=F("attempts") - 1,
        )
        return "waiting"
    buffer = io.BytesIO()
    # PDFs are compressed streams already: stored, not deflated again (a serial step).
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        with default_storage.open(output, "rb") as source:
            archive.writestr("klasoverzicht.pdf", source.read())
        for child in sorted(children, key=_student_order):
            entry = zip_entry_name({"student": selectors.student_names(child.enrolment.student)})
            with (
                default_storage.open(child.output, "rb") as source,
                archive.open(entry, "w") as target,
            ):
                shutil.copyfileobj(source, target)
    zip_name = f"reports/job-{job.pk}.zip"
    _write(zip_name, buffer.getvalue())
    finished = _finish(
        job,
        _mine(job.pk, token),
        status=ReportJob.Status.DONE,
        output=output,
        archive=zip_name,
        fingerprint=fingerprint,
    )
    return "done" if finished else "lost claim"


def _student_order(child: ReportJob):
    student = child.enrolment.student
    return (student.sort_name, student.username, child.enrolment_id)


def _store(name: str, content) -> str:
    """Write a new output through the storage API (local disk or S3), replacing an older
    one of the same name: a second run of the same job replaces rather than adds."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, content)


def _copy_files(archive: zipfile.ZipFile, files: dict[str, str]) -> set[str]:
    """Copy each stored file into the ZIP; return the paths of those the storage no longer
    holds (a lost file must not cost the student the rest of their export)."""
    missing = set()
    for path, stored in files.items():
        try:
            source = storage.open_for_download(stored)
        except FileNotFoundError:
            logger.warning("Export: %s is missing from storage", stored)
            missing.add(path)
            continue
        try:
            with archive.open(path, "w") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
        finally:
            source.close()
    return missing


def _run_export(job: ReportJob, token: str) -> str:
    data = export_selectors.export_data(enrolment=job.enrolment)
    now = timezone.now()
    # Spooled: a portfolio with many files goes to a temporary file, not into memory.
    with tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024) as buffer:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            missing = _copy_files(archive, export_selectors.export_files(data))
            export_selectors.mark_missing(data, missing)
            for badge in data["badges"]:
                for path, content in export_selectors.badge_files(badge).items():
                    archive.writestr(path, content)
            archive.writestr("index.html", rendering.export_index_html(data, generated_at=now))
            payload = json.dumps(data, ensure_ascii=False, indent=2, default=str)
            archive.writestr("portfolio.json", payload)
        buffer.seek(0)
        name = _store(f"reports/export-{job.pk}.zip", File(buffer))
    finished = _finish(
        job,
        _mine(job.pk, token),
        status=ReportJob.Status.DONE,
        archive=name,
        expires_at=now + datetime.timedelta(days=EXPORT_DAYS),
        error="",
    )
    return "done" if finished else "lost claim"


def _expire_exports(now: datetime.datetime) -> None:
    for job in ReportJob.objects.filter(kind=ReportJob.Kind.EXPORT, expires_at__lt=now).exclude(
        archive=""
    ):
        if default_storage.exists(job.archive):
            default_storage.delete(job.archive)
        ReportJob.objects.filter(pk=job.pk).update(archive="")


# --- The sweep ------------------------------------------------------------------------------


def _resend_lost(now: datetime.datetime, old: datetime.datetime) -> int:
    """Send another message for queued jobs whose message was lost (the broker was away
    when it was sent, or lost its data), and only for those.

    A queued job may also just be waiting its turn: in a report rush the queue holds
    thousands, for an hour. Sending again every job queued longer than a lease (as this
    sweep did) added 9 999 duplicate messages to such a queue at every sweep, and took the
    sweep 17 s. Each queue is first in, first out, and a worker child reserves at most one
    message ahead, which starts within one time limit, shorter than a lease. So a queued job
    whose message was sent before that of a job from the same queue that started more than
    a lease ago has no message any more: the queue moved past it. When nothing at all was
    taken or sent from a queue for a lease (workers down, or every message lost), its oldest
    job is sent once as a probe: it changes nothing while the workers are down, and once it
    has been taken the rule above finds every job sent before it. `old`: a lease ago."""
    ids = []
    for child in (False, True):  # the two queues (_enqueue)
        jobs = ReportJob.objects.filter(parent__isnull=not child)
        queued = jobs.filter(status=ReportJob.Status.QUEUED, queued_at__lt=old)
        oldest = queued.aggregate(oldest=Min("queued_at"))["oldest"]
        if oldest is None:
            continue
        taken = jobs.filter(
            queued_at__gt=oldest, started_at__gte=F("queued_at"), started_at__lt=old
        )
        frontier = taken.aggregate(frontier=Max("queued_at"))["frontier"]
        if frontier is not None:
            lost = queued.filter(queued_at__lt=frontier)
        elif jobs.filter(Q(started_at__gte=old) | Q(queued_at__gte=old)).exists():
            continue  # the queue moves, or a probe is on its way
        else:
            lost = queued.order_by("queued_at", "pk")[:1]
        ids += [(pk, child) for pk in lost.values_list("pk", flat=True)]
    if not ids:
        return 0
    with transaction.atomic():
        ReportJob.objects.filter(
            pk__in=[pk for pk, _child in ids], status=ReportJob.Status.QUEUED
        ).update(queued_at=now)
        for pk, child in ids:
            _enqueue(pk, child=child)
    return len(ids)


def sweep_stuck_jobs() -> int:
    """Beat runs this twice per report time limit. A running job past its lease lost its
    worker: queue it again (or fail it after MAX_ATTEMPTS). A queued job whose message was
    lost gets another (_resend_lost; a duplicate is harmless, the claim sees to that). A
    waiting klas report whose children are all finished is queued (a safety net:
    the children count down in their own transaction, so this should find nothing)."""
    now = timezone.now()
    requeued = 0
    _expire_exports(now)
    for job in ReportJob.objects.filter(status=ReportJob.Status.RUNNING, lease_until__lt=now):
        if job.attempts >= MAX_ATTEMPTS:
            _give_up(job)
            continue
        stale = ReportJob.objects.filter(
            pk=job.pk, status=ReportJob.Status.RUNNING, lease_until__lt=now, claim=job.claim
        )
        with transaction.atomic():
            if stale.update(status=ReportJob.Status.QUEUED, lease_until=None, queued_at=now):
                _enqueue(job.pk, child=job.parent_id is not None)
                requeued += 1
    old = now - datetime.timedelta(seconds=lease_seconds())
    requeued += _resend_lost(now, old)
    for job in ReportJob.objects.filter(status=ReportJob.Status.WAITING, created_at__lt=old):
        if not job.children.filter(status__in=ACTIVE).exists():
            with transaction.atomic():
                if ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.WAITING).update(
                    status=ReportJob.Status.QUEUED, children_pending=0, queued_at=now
                ):
                    _enqueue(job.pk)
                    requeued += 1
    return requeued
