"""Celery tasks: thin wrappers that take ids and call the sending service."""

from celery import shared_task
from django.conf import settings

from config.tasks import enqueue

from . import sending


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # A send that hangs is killed before its claim's lease ends, so the sweep's retry never
    # overlaps a live attempt.
    soft_time_limit=max(5, int(settings.BEKWAAM_MAIL_LEASE * 0.5)),
    time_limit=max(10, int(settings.BEKWAAM_MAIL_LEASE * 0.8)),
)
def send_mail(self, mail_id: int) -> str:
    try:
        return sending.mail_deliver(mail_id=mail_id)
    except sending.MailDeferred as deferred:
        if self.request.is_eager or sending.rate_limited():
            # In-process (no broker): never hold up the request; the row waits for
            # `manage.py send_outbox` or a worker's sweep. With a send rate only the sweep
            # queues mails, retries included, so that they keep to the rate.
            return "deferred"
        # The row holds the backoff; if this retry cannot reach the broker the sweep will.
        raise self.retry(countdown=deferred.seconds, max_retries=None) from None


@shared_task
def sweep_mail() -> int:
    """Beat runs this every BEKWAAM_MAIL_SWEEP_INTERVAL seconds: queue the due mails (never
    queued because the broker was down, deferred, or its worker died; with a send rate, all
    of them), a batch at a time or the rate's share (sending.sweep_budget)."""
    queued = 0
    for pk in sending.mail_due_ids(sending.sweep_budget()):
        if not enqueue(send_mail, pk):
            break  # the broker is away again: the next sweep tries
        sending.mail_postpone(mail_id=pk)
        queued += 1
    return queued


@shared_task
def prune_sent_mail() -> int:
    """Daily (beat): sent mails past BEKWAAM_MAIL_RETENTION_DAYS. Safe to run twice."""
    return sending.mails_prune()
