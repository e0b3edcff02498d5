"""Reads of notifications, always scoped to the user who asks."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import Http404

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


def mail_counts() -> dict[str, int]:
    """How many mails of each status the outbox holds (one query); sent ones are kept
    BEKWAAM_MAIL_RETENTION_DAYS (sending.mails_prune)."""
    counts = dict.fromkeys(OutgoingMail.Status.values, 0)
    for status, n in OutgoingMail.objects.values_list("status").annotate(n=Count("id")):
        counts[status] = n
    return counts


def failed_mails():
    """Mails the outbox gave up on, newest first: for a beheerder to see and send again."""
    return OutgoingMail.objects.filter(status=OutgoingMail.Status.FAILED).only(
        "id", "to", "subject", "attempts", "last_error", "created_at"
    )
