"""Importing a CSV of students or BPV-periodes in the background (ImportJob), with progress.

A large ROC imports thousands of students at the start of a year: about 30 ms a row (a
BPV-periode 20 ms), so 10 000 rows are minutes of work, which no web request may hold (a
proxy or gunicorn gives up long before, and the page would simply fail). So the page checks
the file at once, as far as that needs no database (for students: columns, crebo's, dates,
doubles; for BPV-periodes: readable, columns), refusing a bad file on the page itself;
stores it (default storage: S3 when web nodes share nothing), and a worker imports it
(tasks.run_import -> job_run).

The import stays all or nothing, one transaction, so nothing it writes is visible before
the end; how far it is lives in the shared cache instead, with the time of its last step. A
job that has not moved for STALLED seconds lost its worker (or never got one: the broker was
away), and a beheerder may start it again (job_retry). Importing the same file twice changes
nothing, so a second start is safe even when the first worker was only slow.
"""

import datetime
import logging
import time
import uuid
from dataclasses import dataclass

from auditlog.context import set_actor
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from config.tasks import enqueue_on_commit

from .bpv_import import bpv_check, bpv_periodes_import
from .models import ImportJob, User
from .student_import import (
    CHECKING,
    WRITING,
    StudentImportError,
    students_check,
    students_import,
)

log = logging.getLogger(__name__)

# Seconds without a step of progress after which a job is taken to have lost its worker.
STALLED = 120
PROGRESS_KEY = "bekwaam:import-progress:{}"
TASK = "organisation.tasks.run_import"
RECENT = 5
# A broken-off import keeps its file for "Opnieuw proberen" this many days; then the file
# (names, e-mail addresses) goes, and the beheerder uploads it again if still wanted.
KEEP_FILE_DAYS = 7


def job_start(*, kind: str, user: User, data: bytes, name: str, school_name: str = "") -> ImportJob:
    """Check the file and queue its import; raises StudentImportError (BpvImportError is
    one) and writes nothing when the file is refused at once."""
    rows = students_check(data) if kind == ImportJob.Kind.STUDENTS else bpv_check(data)
    with transaction.atomic():
        job = ImportJob(
            kind=kind,
            requested_by=user,
            school_name=school_name.strip(),
            original_name=name[:255],
            rows=rows,
        )
        job.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
        job.save()
        enqueue_on_commit(TASK, job.pk)
    return job


def job_run(*, job_id: int) -> str:
    """The worker's side: claim the queued job, import, record what came of it."""
    job = _claim(job_id)
    if job is None:
        return "not queued"
    # A BPV file is first looked up row by row; a students file was checked on the page.
    _progress(job.pk, 0, CHECKING if job.kind == ImportJob.Kind.BPV else WRITING)
    try:
        with job.file.open("rb") as stored:
            data = stored.read()
        # The audit log names the beheerder who uploaded it, as when this ran in their
        # request (a worker has no request for django-auditlog's middleware to read).
        with set_actor(job.requested_by):
            result = _import(job, data)
    except StudentImportError as exc:
        _finish(job, ImportJob.Status.REFUSED, problems=[[n, str(r)] for n, r in exc.errors])
        return "refused"
    except Exception:
        # The database or storage went away: nothing was imported (one transaction). The
        # file stays for another try; if even this cannot be written, the job stalls and
        # the page offers that try all the same.
        log.exception("import %s broke off", job.pk)
        _finish(job, ImportJob.Status.FAILED)
        return "failed"
    _finish(job, ImportJob.Status.DONE, result=result)
    return "done"


def _import(job: ImportJob, data: bytes) -> dict:
    def progress(done, stage):
        _progress(job.pk, done, stage)

    if job.kind == ImportJob.Kind.BPV:
        result = bpv_periodes_import(data=data, progress=progress)
        return {"rows": result.rows, "created": result.created}
    result = students_import(data=data, school_name=job.school_name, progress=progress)
    return {
        "rows": result.rows,
        "users_created": result.users_created,
        "cohorts_created": result.cohorts_created,
        "enrolments_created": result.enrolments_created,
    }


def _claim(job_id: int) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ImportJob.Status.QUEUED:
            return None
        job.status = ImportJob.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
    return job


def _finish(job: ImportJob, status: str, *, result=None, problems=None) -> None:
    job.status = status
    job.finished_at = timezone.now()
    job.result = result or {}
    job.problems = problems or []
    fields = ["status", "finished_at", "result", "problems"]
    if status != ImportJob.Status.FAILED and job.file:
        # Done or refused: the file (personal data) is no longer needed.
        job.file.delete(save=False)
        fields.append("file")
    try:
        job.save(update_fields=fields)
    finally:
        cache.delete(PROGRESS_KEY.format(job.pk))


def _progress(job_id: int, done: int, stage: str) -> None:
    cache.set(PROGRESS_KEY.format(job_id), (done, stage, time.time()), timeout=STALLED * 10)


@dataclass(frozen=True)
class Progress:
    done: int  # rows
    stage: str  # student_import.CHECKING or WRITING
    stalled: bool  # no step for STALLED seconds: its worker is gone (or never came)

    @property
    def checking(self) -> bool:
        return self.stage == CHECKING


def job_progress(job: ImportJob) -> Progress:
    """How far an active job is; a queued job is stalled when no worker took it within
    STALLED seconds."""
    if not job.active:
        return Progress(0, WRITING, False)
    since = job.started_at if job.status == ImportJob.Status.RUNNING else job.queued_at
    done, stage, at = 0, WRITING, since.timestamp()
    if job.status == ImportJob.Status.RUNNING:
        done, stage, at = cache.get(PROGRESS_KEY.format(job.pk)) or (done, stage, at)
    return Progress(done, stage, time.time() - at > STALLED)


def can_retry(job: ImportJob, progress: Progress | None = None) -> bool:
    """`progress`: job_progress(job), when the caller has it already (one cache read)."""
    if not job.file:
        return False
    return job.status == ImportJob.Status.FAILED or (progress or job_progress(job)).stalled


def job_retry(*, job: ImportJob) -> bool:
    """Queue a broken-off or stalled job again; False (nothing written) when it is not."""
    if not can_retry(job):
        return False
    with transaction.atomic():
        queued = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ImportJob.Status.QUEUED, queued_at=timezone.now(), started_at=None
        )
        if queued:
            enqueue_on_commit(TASK, job.pk)
    return bool(queued)


def import_files_prune(*, now=None) -> int:
    """Delete the files of imports queued more than KEEP_FILE_DAYS ago that still hold one:
    broken off and not tried again, or left by a worker long gone (those count as broken
    off from now on). Done and refused imports dropped theirs already. Safe to run twice."""
    now = now or timezone.now()
    old = ImportJob.objects.exclude(file="").filter(
        queued_at__lt=now - datetime.timedelta(days=KEEP_FILE_DAYS)
    )
    pruned = 0
    for job in old:
        job.file.delete(save=False)
        if job.active:
            job.status, job.finished_at = ImportJob.Status.FAILED, now
        job.save(update_fields=["file", "status", "finished_at"])
        pruned += 1
    return pruned


def recent_jobs(kind: str) -> list[ImportJob]:
    return list(ImportJob.objects.filter(kind=kind).select_related("requested_by")[:RECENT])
