"""Report jobs: request, claim, render, finish, retry and sweep.

A job moves queued -> running -> done | failed. Workers claim it with a conditional UPDATE
that only succeeds on a queued job or on a running one whose lease has passed, so a task
delivered twice (acks_late redelivers after a worker dies) renders the report once, and a
report whose worker was SIGKILLed is rendered by the next worker that gets the message
(redelivery, or the beat sweep). Output files are written under a name fixed by the job, through
the storage, replacing whole (config.storage.write_replacing), so a second run replaces
rather than adds a file.
"""

import datetime
import io
import logging
import secrets
import shutil
import time
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.storage import write_replacing
from config.tasks import enqueue_on_commit
from organisation.models import Cohort, Enrolment, User

from . import rendering, selectors
from .models import ReportJob

logger = logging.getLogger(__name__)

# Errors that say "try again later", not "this report cannot be made".
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
ACTIVE = [ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]
# A job abandoned this often (its worker died each time) is failed rather than retried.
MAX_ATTEMPTS = 5


def lease_seconds() -> int:
    return int(getattr(settings, "BEKWAAM_REPORT_TIME_LIMIT", 300))


class ReportBusy(Exception):
    """Another worker holds the job; look again when its lease may have passed."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


def _enqueue(job_id: int) -> None:
    # By name: tasks.py imports this module to call its services.
    enqueue_on_commit("reports.tasks.render_report", job_id)


# --- Requesting -----------------------------------------------------------------------------


def _student_fingerprint(enrolment: Enrolment) -> str:
    return selectors.fingerprint_of(selectors.student_report_data(enrolment=enrolment))


def _cohort_fingerprint(cohort: Cohort) -> str:
    enrolments = selectors.cohort_enrolments(cohort)
    data = selectors.cohort_report_data(cohort=cohort, enrolments=enrolments)
    data["children"] = [_student_fingerprint(e) for e in enrolments]
    return selectors.fingerprint_of(data)


def _output_exists(job: ReportJob) -> bool:
    return bool(job.output) and default_storage.exists(job.output)


def report_request(
    *, user: User, enrolment: Enrolment | None = None, cohort: Cohort | None = None
) -> ReportJob:
    """Record a request and queue the work, or reuse a PDF of the very same data."""
    if (enrolment is None) == (cohort is None):
        raise ValueError("Give an enrolment or a cohort")
    if enrolment is not None:
        kind, subject = ReportJob.Kind.STUDENT, {"enrolment": enrolment}
        fingerprint = _student_fingerprint(enrolment)
    else:
        kind, subject = ReportJob.Kind.COHORT, {"cohort": cohort}
        fingerprint = _cohort_fingerprint(cohort)
    with transaction.atomic():
        same = ReportJob.objects.filter(kind=kind, fingerprint=fingerprint, **subject).exclude(
            status=ReportJob.Status.FAILED
        )
        active = same.filter(
            status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING], parent__isnull=True
        )
        if job := active.first():
            return job
        done = same.filter(status=ReportJob.Status.DONE).order_by("-finished_at").first()
        now = timezone.now()
        if done is not None and _output_exists(done):
            # Same data, same report: record who asked, hand out the PDF we already have.
            return ReportJob.objects.create(
                kind=kind,
                requested_by=user,
                fingerprint=fingerprint,
                status=ReportJob.Status.DONE,
                output=done.output,
                archive=done.archive,
                started_at=now,
                finished_at=now,
                **subject,
            )
        job = ReportJob.objects.create(
            kind=kind, requested_by=user, fingerprint=fingerprint, **subject
        )
        _enqueue(job.pk)
        return job


def report_retry(*, job: ReportJob) -> bool:
    """Queue a failed job again (with its failed children, for a klas report)."""
    with transaction.atomic():
        updated = ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.FAILED).update(
            status=ReportJob.Status.QUEUED, error="", attempts=0, lease_until=None, claim=""
        )
        if not updated:
            return False
        ReportJob.objects.filter(parent=job, status=ReportJob.Status.FAILED).update(
            status=ReportJob.Status.QUEUED, error="", attempts=0, lease_until=None, claim=""
        )
        _enqueue(job.pk)
    return True


# --- Running --------------------------------------------------------------------------------


def job_claim(*, job_id: int) -> str | None:
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


def _write(relative: str, content: bytes) -> None:
    # Through the storage (disk or bucket), replacing whole: see config.storage.
    write_replacing(relative, content)


@dataclass
class Rendered:
    fingerprint: str
    pdf: bytes


def render_student(
    *, enrolment: Enrolment, job_id: int | None = None, now: datetime.datetime | None = None
) -> Rendered:
    data = selectors.student_report_data(enrolment=enrolment)
    fingerprint = selectors.fingerprint_of(data)
    html = rendering.student_report_html(
        data, fingerprint=fingerprint, job_id=job_id, generated_at=now or timezone.now()
    )
    return Rendered(fingerprint, rendering.html_to_pdf(html))


def job_run(*, job_id: int) -> str:
    """Render one job, once. Returns what happened (for logs and tests)."""
    token = job_claim(job_id=job_id)
    if token is None:
        job = ReportJob.objects.filter(pk=job_id).first()
        if job is None or not job.active:
            return "nothing to do"
        if job.attempts >= MAX_ATTEMPTS:
            # Killed (or timed out) this often: rendering it again would only loop.
            stuck = Q(status=ReportJob.Status.QUEUED) | Q(lease_until__lt=timezone.now())
            if ReportJob.objects.filter(stuck, pk=job_id, status__in=ACTIVE).update(
                status=ReportJob.Status.FAILED,
                error=_("Het maken van het rapport is te vaak afgebroken."),
                finished_at=timezone.now(),
                lease_until=None,
            ):
                _notify_parent(job)
                return "failed"
        if job.status == ReportJob.Status.RUNNING and job.lease_until:
            # Held by a live worker, or by a dead one until its lease passes: look again soon.
            wait = (job.lease_until - timezone.now()).total_seconds()
            raise ReportBusy(max(1.0, min(wait + 1, 10.0)))
        return "nothing to do"
    job = ReportJob.objects.select_related(
        *(f"enrolment__{name}" for name in selectors.REPORT_RELATED), "cohort__qualification"
    ).get(pk=job_id)
    delay = float(getattr(settings, "BEKWAAM_REPORT_TEST_DELAY", 0) or 0)
    if delay:
        time.sleep(delay)  # tests only: a window in which to kill the worker mid-report
    try:
        if job.kind == ReportJob.Kind.STUDENT:
            return _run_student(job, token)
        return _run_cohort(job, token)
    except TRANSIENT_ERRORS:
        # Give the job back so the retry (or the sweep) can claim it again.
        _mine(job_id, token).update(status=ReportJob.Status.QUEUED, lease_until=None)
        raise
    except Exception as exc:
        logger.exception("Report job %s failed", job_id)
        _mine(job_id, token).update(
            status=ReportJob.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
            lease_until=None,
        )
        _notify_parent(job)
        return "failed"


def _notify_parent(job: ReportJob) -> None:
    if job.parent_id:
        _enqueue(job.parent_id)


def _run_student(job: ReportJob, token: str) -> str:
    rendered = render_student(enrolment=job.enrolment, job_id=job.pk)
    relative = f"reports/job-{job.pk}.pdf"
    _write(relative, rendered.pdf)
    with transaction.atomic():
        finished = _mine(job.pk, token).update(
            status=ReportJob.Status.DONE,
            output=relative,
            fingerprint=rendered.fingerprint,
            finished_at=timezone.now(),
            lease_until=None,
            error="",
        )
        if finished:
            _notify_parent(job)
    return "done" if finished else "lost claim"


def _run_cohort(job: ReportJob, token: str) -> str:
    """First pass: create one child job per student and let the workers share them. Each
    child re-queues this job when it finishes; the pass that finds them all done assembles
    the summary PDF and the ZIP."""
    enrolments = selectors.cohort_enrolments(job.cohort)
    with transaction.atomic():
        children = {c.enrolment_id: c for c in job.children.all()}
        for enrolment in enrolments:
            if enrolment.pk not in children:
                children[enrolment.pk] = child = ReportJob.objects.create(
                    kind=ReportJob.Kind.STUDENT,
                    enrolment=enrolment,
                    parent=job,
                    requested_by=job.requested_by,
                    fingerprint=_student_fingerprint(enrolment),
                )
                _enqueue(child.pk)
        pending = [c for c in children.values() if c.status != ReportJob.Status.DONE]
        failed = [c for c in pending if c.status == ReportJob.Status.FAILED]
        if failed:
            _mine(job.pk, token).update(
                status=ReportJob.Status.FAILED,
                error=_("%(n)d van de studentrapporten zijn mislukt.") % {"n": len(failed)},
                finished_at=timezone.now(),
                lease_until=None,
            )
            return "failed"
        if pending:
            # Not an error: wait, without holding the claim, for the children to call back.
            _mine(job.pk, token).update(status=ReportJob.Status.QUEUED, lease_until=None)
            return "waiting"
    now = timezone.now()
    data = selectors.cohort_report_data(cohort=job.cohort, enrolments=enrolments)
    data["children"] = [children[e.pk].fingerprint for e in enrolments]
    fingerprint = selectors.fingerprint_of(data)
    html = rendering.cohort_report_html(
        data, fingerprint=fingerprint, job_id=job.pk, generated_at=now
    )
    summary = rendering.html_to_pdf(html)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("klasoverzicht.pdf", summary)
        for enrolment in enrolments:
            child = children[enrolment.pk]
            with (
                default_storage.open(child.output, "rb") as source,
                archive.open(f"{enrolment.student.username}.pdf", "w") as target,
            ):
                shutil.copyfileobj(source, target)
    output, zip_name = f"reports/job-{job.pk}.pdf", f"reports/job-{job.pk}.zip"
    _write(output, summary)
    _write(zip_name, buffer.getvalue())
    finished = _mine(job.pk, token).update(
        status=ReportJob.Status.DONE,
        output=output,
        archive=zip_name,
        fingerprint=fingerprint,
        finished_at=timezone.now(),
        lease_until=None,
    )
    return "done" if finished else "lost claim"


# --- The sweep ------------------------------------------------------------------------------


def sweep_stuck_jobs() -> int:
    """Beat runs this every few minutes. A running job past its lease lost its worker: queue
    it again (or fail it after MAX_ATTEMPTS). A queued job older than a lease may have lost
    its message: send another (a duplicate is harmless, the claim sees to that)."""
    now = timezone.now()
    requeued = 0
    for job in ReportJob.objects.filter(status=ReportJob.Status.RUNNING, lease_until__lt=now):
        stale = ReportJob.objects.filter(
            pk=job.pk, status=ReportJob.Status.RUNNING, lease_until__lt=now, claim=job.claim
        )
        with transaction.atomic():
            if job.attempts >= MAX_ATTEMPTS:
                stale.update(
                    status=ReportJob.Status.FAILED,
                    error=_("Het maken van het rapport is te vaak afgebroken."),
                    finished_at=now,
                    lease_until=None,
                )
                _notify_parent(job)
            elif stale.update(status=ReportJob.Status.QUEUED, lease_until=None):
                _enqueue(job.pk)
                requeued += 1
    old = now - datetime.timedelta(seconds=lease_seconds())
    for pk in ReportJob.objects.filter(
        status=ReportJob.Status.QUEUED, created_at__lt=old
    ).values_list("pk", flat=True):
        with transaction.atomic():
            _enqueue(pk)
        requeued += 1
    return requeued
