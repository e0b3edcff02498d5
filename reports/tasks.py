"""Celery tasks: thin wrappers that take ids and call one service. Enqueued on commit."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=10,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
    # The soft limit fails the job with a message; the hard one (the lease) kills the child.
    soft_time_limit=int(settings.BEKWAAM_REPORT_TIME_LIMIT * 0.9),
    time_limit=settings.BEKWAAM_REPORT_TIME_LIMIT,
)
def render_report(self, job_id: int) -> str:
    try:
        return services.job_run(job_id=job_id)
    except services.ReportBusy as busy:
        # Not an error: the job is held by another worker (or a dead one, until its lease
        # ends). Looking again is cheap; the claim decides who renders.
        raise self.retry(countdown=busy.seconds, max_retries=None) from None


@shared_task
def sweep_stuck_reports() -> int:
    return services.sweep_stuck_jobs()
