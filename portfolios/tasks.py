"""Celery tasks: thin wrappers that take ids and call one service. Enqueued on commit."""

from celery import shared_task

from config.tasks import enqueue
from organisation.models import Praktijkopleider

from . import notifications, previews, thumbnails


# The two notify_* tasks only serve messages queued before the outbox: the services now
# write the notifications in the event's transaction, so these find them and write nothing.
@shared_task
def notify_evidence_submitted(event_id: int) -> int:
    return notifications.submitted_again(event_id=event_id)


@shared_task
def notify_evidence_reviewed(event_id: int) -> bool:
    return notifications.reviewed_again(event_id=event_id)


# The digest is written to the outbox (notifications.tasks sends it): no mail server here.
@shared_task
def send_digest(praktijkopleider_id: int) -> int:
    return notifications.digest_send(praktijkopleider_id=praktijkopleider_id)


@shared_task
def send_daily_digests() -> int:
    """Beat runs this at 07:00; one task per praktijkopleider so one bad address stalls
    nobody else."""
    ids = list(Praktijkopleider.objects.filter(daily_digest=True).values_list("pk", flat=True))
    for pk in ids:
        # No transaction to wait for here: beat started us and we wrote nothing.
        enqueue(send_digest, pk)
    return len(ids)


@shared_task
def make_thumbnail(file_id: int) -> None:
    thumbnails.thumbnail_make(file_id=file_id)


@shared_task
def make_preview(file_id: int) -> None:
    previews.preview_make(file_id=file_id)
