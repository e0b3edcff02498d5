"""Reads of notifications, always scoped to the user who asks."""

from django.http import Http404

from .models import Notification


def notifications_for(*, user):
    """A user's own notifications, newest first. Nobody sees anyone else's."""
    return Notification.objects.filter(recipient=user).only(
        "id", "what", "actor_name", "link", "created_at", "read_at"
    )


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def get_notification_for_user(*, user, pk: int) -> Notification:
    """Someone else's notification is a 404, so nobody learns that it exists."""
    try:
        return Notification.objects.get(pk=pk, recipient=user)
    except Notification.DoesNotExist:
        raise Http404 from None
