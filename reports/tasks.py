"""Celery tasks: thin wrappers that take ids and call one service. Enqueued on commit."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # Real failures only (the database or broker went away): these spend Celery's retries.
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=6,
    # The soft limit fails the job with a message; the hard one kills the child before its
    # lease (services.lease_seconds) ends, so a lease never outlives a live worker.
    soft_time_limit=int(settings.BEKWAAM_REPORT_TIME_LIMIT * 0.9),
    time_limit=settings.BEKWAAM_REPORT_TIME_LIMIT,
)
def render_report(self, job_id: int) -> str:
    try:
        return services.job_run(job_id=job_id)
    except services.ReportBusy as busy:
        # Not an error, so it must not spend the retries above (self.retry() would: its
        # max_retries=None means "the task's max_retries", not "forever"). A fresh message
        # looks again just after the holder's lease ends; the claim decides who renders.
        if self.request.is_eager:
            # In-process (no broker) there is no later: the sweep or a new request will do.
            return "busy"
        render_report.apply_async((job_id,), countdown=busy.seconds)
        return "busy"


@shared_task
def sweep_stuck_reports() -> int:
    return services.sweep_stuck_jobs()
