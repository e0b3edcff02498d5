"""Links in mails. Mails themselves are outbox rows: see notifications.services."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """Links in mails are absolute (BEKWAAM_BASE_URL): a worker sends them, not a request."""
    return settings.BEKWAAM_BASE_URL.rstrip("/") + path
