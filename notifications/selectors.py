"""Reads of notifications, always scoped to the user who asks."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.http import Http404
from django.utils import timezone

from config.replica import on_primary

from .models import Notification, OutgoingMail


def notifications_for(*, user):
    """A user's own notifications, newest first. Nobody sees anyone else's."""
    return Notification.objects.filter(recipient=user).only(
        "id", "what", "actor_name", "link", "created_at", "read_at"
    )


# The bell's count is on every page, so it is cached per user; every write that changes it
# (notifications.services: notify, mark read, mark all read) drops the cached value when its
# transaction commits. A count read while such a write commits can be cached just before
# the drop, so the cache lives briefly: at worst the bell is BEKWAAM_UNREAD_CACHE_SECONDS
# (default 60) behind; 0 turns the cache off (the test suite's query-count guards do).


def unread_cache_key(user_pk: int) -> str:
    return f"notifications:unread:{user_pk}"


def unread_count(*, user) -> int:
    seconds = settings.BEKWAAM_UNREAD_CACHE_SECONDS
    key = unread_cache_key(user.pk)
    count = cache.get(key) if seconds else None
    if count is None:
        # Cached for other pages: from the primary, even on a page read from the replica.
        with on_primary():
            count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        if seconds:
            cache.set(key, count, seconds)
    return count


def get_notification_for_user(*, user, pk: int) -> Notification:
    """Someone else's notification is a 404, so nobody learns that it exists."""
    try:
        return Notification.objects.get(pk=pk, recipient=user)
    except Notification.DoesNotExist:
        raise Http404 from None


# A due mail is sent within seconds, or within a sweep or two at a send rate; a queue in
# which one has been overdue this long while nothing went out is not moving at all.
STUCK = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class MailQueue:
    counts: dict[str, int]  # by OutgoingMail.Status
    oldest_waiting: datetime.datetime | None  # when the oldest waiting mail was made
    # Workers or beat are most likely down: a mail overdue by STUCK and nothing sent in it.
    # (A mail deferred while the mail server is away is not due, so does not count.)
    stuck: bool


def mail_queue_state(now: datetime.datetime | None = None) -> MailQueue:
    """How many mails of each status the outbox holds, and whether it moves (one query);
    sent ones are kept BEKWAAM_MAIL_RETENTION_DAYS (sending.mails_prune)."""
    now = now or timezone.now()
    waiting = Q(status=OutgoingMail.Status.PENDING)
    found = OutgoingMail.objects.aggregate(
        **{status: Count("id", filter=Q(status=status)) for status in OutgoingMail.Status.values},
        made=Min("created_at", filter=waiting),
        due=Min("next_attempt_at", filter=waiting),
        last_sent=Max("sent_at", filter=Q(status=OutgoingMail.Status.SENT)),
    )
    due, last_sent = found["due"], found["last_sent"]
    stuck = due is not None and due < now - STUCK and (last_sent is None or last_sent < now - STUCK)
    counts = {status: found[status] for status in OutgoingMail.Status.values}
    return MailQueue(counts, found["made"], stuck)


def failed_mails():
    """Mails the outbox gave up on, newest first: for a beheerder to see and send again."""
    return OutgoingMail.objects.filter(status=OutgoingMail.Status.FAILED).only(
        "id", "to", "subject", "attempts", "last_error", "created_at"
    )
