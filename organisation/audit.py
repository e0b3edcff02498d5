"""The audit log's own rows: sign-ins, refused object access and downloads.

Model changes (console and admin alike) with old and new values are recorded by
django-auditlog (registered in apps.py); this module records what is not a model change.
Writing an audit row never fails the request it describes: a failure is logged instead.
"""

import datetime
import logging

from auditlog.models import LogEntry
from axes.models import AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from .models import AuditEntry

log = logging.getLogger(__name__)


def _ip(request) -> str | None:
    # Behind the reverse proxy REMOTE_ADDR is the proxy; axes resolves the client the same way.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    kind: str,
    request=None,
    user=None,
    username: str = "",
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry | None:
    if user is None and request is not None:
        user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    try:
        # A savepoint, so a failing insert leaves the surrounding transaction usable.
        with transaction.atomic():
            return AuditEntry.objects.create(
                kind=kind,
                actor=actor,
                username=(username or (actor.username if actor else ""))[:150],
                ip_address=_ip(request),
                object_type=object_type[:100],
                object_id=str(object_id)[:64],
                path=(request.get_full_path() if request is not None else "")[:500],
            )
    except Exception:  # noqa: BLE001 - the audit row must never break the request
        log.exception("audit row not written")
        return None


def audit_refused(request, what: str, pk) -> None:
    audit_record(kind=AuditEntry.Kind.REFUSED, request=request, object_type=what, object_id=pk)


def _view_object(request) -> tuple[str, str]:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "", ""
    pk = next((str(v) for k, v in match.kwargs.items() if k == "pk" or k.endswith("_pk")), "")
    return match.view_name, pk


class AuditMiddleware:
    """Records the 404s that views raise (the get_*_for_user access helpers refusing an
    object; an unknown URL never reaches a view), the 403s (someone who may see an object
    but not act on it, e.g. portfolios.permissions.require_reviewer) and every attachment
    served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 200 and "attachment" in response.get("Content-Disposition", ""):
            what, pk = _view_object(request)
            audit_record(
                kind=AuditEntry.Kind.DOWNLOAD, request=request, object_type=what, object_id=pk
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404 | PermissionDenied):
            what, pk = _view_object(request)
            audit_refused(request, what, pk)
        return None


# --- Sign-in signals (connected in apps.py) --------------------------------------------------


def on_logged_in(sender, request, user, **kwargs):
    # login() notes the backend on the user: a school sign-in (OpenID Connect) is its own kind.
    backend = getattr(user, "backend", "") or ""
    kind = AuditEntry.Kind.SSO if "oidc" in backend.lower() else AuditEntry.Kind.LOGIN
    audit_record(kind=kind, request=request, user=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(kind=AuditEntry.Kind.LOGOUT, request=request, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        kind=AuditEntry.Kind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", "")),
    )


def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(kind=AuditEntry.Kind.LOCKOUT, request=request, username=username or "")


# --- Retention ------------------------------------------------------------------------------


def audit_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete audit rows (ours and django-auditlog's) older than the retention period.

    On PostgreSQL the append-only trigger (migration 0006) allows a DELETE only inside a
    transaction that states the retention period (SET LOCAL bekwaam.audit_retention_days),
    and then only of rows older than it: a younger row cannot be deleted, by this or anyone.
    """
    days = settings.BEKWAAM_AUDIT_RETENTION_DAYS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('bekwaam.audit_retention_days', %s, true)", [str(days)]
                )
        deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
        logs, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return deleted + logs


def sign_ins_prune(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete expired sessions, which Django never does by itself (every sign-in leaves a
    row), and axes' per-sign-in rows older than the audit retention (written before
    AXES_DISABLE_ACCESS_LOG). Returns (sessions, access log rows). Safe to run twice."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.BEKWAAM_AUDIT_RETENTION_DAYS)
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    logs, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    return sessions, logs
