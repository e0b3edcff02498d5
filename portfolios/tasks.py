"""Celery tasks: thin wrappers that take ids and call one service. Enqueued on commit."""

from celery import shared_task

from config.mail import MAIL_RETRY
from organisation.models import Praktijkopleider

from . import notifications, thumbnails


@shared_task(**MAIL_RETRY)
def notify_evidence_submitted(event_id: int) -> int:
    return notifications.notify_submitted(event_id=event_id)


@shared_task(**MAIL_RETRY)
def notify_evidence_reviewed(event_id: int) -> bool:
    return notifications.notify_reviewed(event_id=event_id)


@shared_task(**MAIL_RETRY)
def send_digest(praktijkopleider_id: int) -> int:
    return notifications.digest_send(praktijkopleider_id=praktijkopleider_id)


@shared_task
def send_daily_digests() -> int:
    """Beat runs this at 07:00; one task per praktijkopleider so one bad address stalls
    nobody else."""
    ids = list(Praktijkopleider.objects.filter(daily_digest=True).values_list("pk", flat=True))
    for pk in ids:
        # No transaction to wait for here: beat started us and we wrote nothing.
        send_digest.delay(pk)
    return len(ids)


@shared_task
def make_thumbnail(file_id: int) -> None:
    thumbnails.thumbnail_make(file_id=file_id)
