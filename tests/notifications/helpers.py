"""Point this test process's Celery app at a broker of the test's choosing; outbox rows as
an import's activation mails leave them."""

import contextlib

from django.utils import timezone

from notifications.models import OutgoingMail
from notifications.sending import MAX_ATTEMPTS

KEYS = ("broker_url", "broker_read_url", "broker_write_url", "task_always_eager")


def _reset_pools(app) -> None:
    # The app caches its connection and producer pools; they still point at the old broker.
    # (Not closed: kombu keeps them in a global registry and hands them out again.)
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def use_broker(url: str):
    from config.celery import app

    previous = {key: app.conf[key] for key in KEYS}
    app.conf.update(
        broker_url=url, broker_read_url=url, broker_write_url=url, task_always_eager=False
    )
    _reset_pools(app)
    try:
        yield app
    finally:
        app.conf.update(previous)
        _reset_pools(app)


def outbox_mail(n: int, status: str = "pending", **fields) -> OutgoingMail:
    """Student n's activation mail, as a row of the outbox (due now unless said otherwise)."""
    fields.setdefault("next_attempt_at", timezone.now())
    return OutgoingMail.objects.create(
        to=f"student{n}@example.invalid",
        subject=f"Je account in Bekwaam {n}",
        body=f"Geheime activatielink {n}",
        dedup_key=f"test:{status}:{n}",
        status=status,
        **fields,
    )


def given_up_mail(n: int) -> OutgoingMail:
    """Student n's mail, given up on after a quota refused every attempt."""
    return outbox_mail(
        n,
        "failed",
        attempts=MAX_ATTEMPTS,
        last_error="SMTPDataError(452, b'4.3.2 Too many messages')",
    )
