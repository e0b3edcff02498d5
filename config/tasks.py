"""The one way to start background work: after the transaction commits.

A task enqueued inside a transaction can start before the rows it needs are visible, or run
for rows that are then rolled back; so every call site goes through `enqueue_on_commit`
(like pretix's TransactionAwareTask). A broker that cannot be reached must not fail the
request whose rows are already committed: the error is logged, and the periodic sweeps pick
the work up again (notifications.tasks.sweep_mail for the outbox's mails,
reports.tasks.sweep_stuck_reports for reports).
"""

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# What publishing raises when the broker is away, slow or refuses us. kombu wraps most of
# them in OperationalError (a KombuError), but a dropped socket can surface raw.
BROKER_ERRORS = (KombuError, RedisError, ConnectionError, TimeoutError, OSError)


def _by_name(name: str):
    """A task by its registered name, for the few services whose tasks module imports the
    services module. A web process imports tasks modules only when asked, so ask once."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def enqueue(task, *args, queue: str | None = None, **kwargs) -> bool:
    """Send `task` (a Celery task or its registered name) now, to `queue` instead of its
    route's when given; False, and a log line, when that failed. Never raises: the caller's
    rows are committed and must stay so."""
    target = _by_name(task) if isinstance(task, str) else task
    options = {"queue": queue} if queue else {}
    try:
        target.apply_async(args=args, kwargs=kwargs, **options)
    except BROKER_ERRORS:
        log.warning(
            "could not enqueue %s%r: broker unreachable; a sweep will pick it up",
            getattr(target, "name", target),
            args,
            exc_info=True,
        )
        return False
    except Exception:  # kombu and redis raise many kinds; none may reach the user.
        log.exception("could not enqueue %s%r", getattr(target, "name", target), args)
        return False
    return True


def enqueue_on_commit(task, *args, queue: str | None = None, **kwargs) -> None:
    """Run `task` (a Celery task or its registered name) with these arguments once the
    current transaction commits; immediately when there is none."""
    transaction.on_commit(lambda: enqueue(task, *args, queue=queue, **kwargs))
