"""Reading the heavy read-only pages from a PostgreSQL streaming replica.

With DATABASE_REPLICA_URL set, the pages a view marks with `@reads_from_replica` (the
dashboards: a klas as a matrix, the klassen, the school overview and their exports; the
beheer console's audit log) read
from the replica; everything else, and every write, stays on DATABASE_URL. Opt-in per view,
not "every read to the replica": a student who just saved a bewijsstuk, or a
praktijkopleider who just signed off, must see it on the next page, and the exam records'
own pages and the PDF reports are read from the primary, always.

A replica can be behind or gone, so a marked page still reads from the primary when
- the request is not a GET or HEAD;
- the person wrote something (any POST, PUT, PATCH or DELETE) in the last
  BEKWAAM_REPLICA_PIN_SECONDS (default 10), so they see their own change (the pin is kept
  in the shared cache, so it holds on every web node);
- the replica is more than BEKWAAM_REPLICA_MAX_LAG_SECONDS (default 30) behind, or did not
  answer; each process asks at most once every BEKWAAM_REPLICA_CHECK_SECONDS (default 5);
- the replica fails while the page is read: the page is read again from the primary
  (a GET only reads, so that is safe), and the replica is left alone until the next check.
"""

import contextlib
import contextvars
import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# How far behind the replica is, in seconds: 0 while it streams from the primary and has
# replayed all it received (an idle primary sends nothing, and must not make the replica look
# ever further behind), else the time since the last transaction it replayed was committed.
# Without a WAL receiver (replication broken) "all it received" says nothing: the primary may
# have moved on for hours. Any role sees whether the receiver runs (its pid), if no details.
# A server that is not in recovery (a primary given as the replica) is never behind.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""

_reading = contextvars.ContextVar("bekwaam_replica_reads", default=False)
# Per process (gunicorn's sync workers are processes): when the replica was last asked how
# far behind it is, and whether it was usable then.
_health = {"checked": float("-inf"), "usable": False}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Reads go to the replica only inside a marked page; writes never do."""

    def db_for_read(self, model, **hints):
        # Inside a transaction on the primary, read what that transaction sees.
        if _reading.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        # Also for an object that was read from the replica: it is saved on the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: an object read from one may refer to the other.
        dbs = {DEFAULT_DB_ALIAS, REPLICA}
        return True if {obj1._state.db, obj2._state.db} <= dbs else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema through replication; it is never migrated.
        return False if db == REPLICA else None


@contextlib.contextmanager
def on_primary():
    """Read from the primary inside a marked page: for what is kept in the shared cache
    afterwards (a copy filled from a replica that is behind would outlive the lag)."""
    token = _reading.set(False)
    try:
        yield
    finally:
        _reading.reset(token)


def pin_key(user_pk: int) -> str:
    return f"replica:pin:{user_pk}"


def _pinned(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and cache.get(pin_key(user.pk)))


def replica_usable() -> bool:
    now = time.monotonic()
    if now - _health["checked"] < settings.BEKWAAM_REPLICA_CHECK_SECONDS:
        return _health["usable"]
    _health["checked"] = now
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            lag = float(cursor.fetchone()[0])
    except (DatabaseError, InterfaceError) as exc:
        _set_down(exc)
        return False
    usable = lag <= settings.BEKWAAM_REPLICA_MAX_LAG_SECONDS
    if not usable:
        logger.warning("replica is %.1f s behind: reading from the primary", lag)
    _health["usable"] = usable
    return usable


def _set_down(exc: Exception) -> None:
    logger.warning("replica unusable, reading from the primary: %s", exc)
    _health["usable"] = False
    _health["checked"] = time.monotonic()
    # A connection that failed is not kept for the next request.
    with contextlib.suppress(DatabaseError, InterfaceError):
        connections[REPLICA].close()


def reads_from_replica(view):
    """Mark a read-only page whose queries may go to the replica (see the module's text)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            not replica_configured()
            or request.method not in SAFE_METHODS
            or _pinned(request)
            or not replica_usable()
        ):
            return view(request, *args, **kwargs)
        token = _reading.set(True)
        try:
            return view(request, *args, **kwargs)
        except (DatabaseError, InterfaceError) as exc:
            # Which connection failed is not in the error. Most likely the replica (gone, or a
            # query it cancelled to replay the primary's changes); if it was the primary, the
            # page fails again there and that error is the one shown.
            _set_down(exc)
        finally:
            _reading.reset(token)
        return view(request, *args, **kwargs)

    return wrapper


class ReplicaPinMiddleware:
    """After a request that may have written, that person reads from the primary for
    BEKWAAM_REPLICA_PIN_SECONDS: the page they are sent to next shows their change.
    In MIDDLEWARE only when a replica is configured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method not in SAFE_METHODS and user is not None and user.is_authenticated:
            cache.set(pin_key(user.pk), 1, settings.BEKWAAM_REPLICA_PIN_SECONDS)
        return response
