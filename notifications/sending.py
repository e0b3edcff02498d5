"""Sending outbox mails: claim, send, record; finding the mails that are due; and deleting
sent ones past their retention (mails_prune).

A worker claims a row with a conditional UPDATE, so two workers, or a task delivered twice
(acks_late redelivers after a worker dies), send it once. The claim is a lease: a worker
that dies mid-send leaves a row whose lease runs out, and the beat sweep (tasks.sweep_mail)
then queues it again, as it does for rows whose task never reached the broker. With the
default 60 s lease and a 30 s sweep a killed worker's mail goes out within about 90 s.
"""

import datetime
import logging
import secrets
import smtplib
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from .models import OutgoingMail

logger = logging.getLogger(__name__)

# A mail server that is away or refuses for now; anything else is a bug and surfaces.
# (A send that hangs until the task's soft time limit counts as the server being away.)
TRANSIENT_ERRORS = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    OSError,
    SoftTimeLimitExceeded,
)
# After this many attempts a mail is given up (status failed) and left for a person to see.
MAX_ATTEMPTS = 10
# Backoff between attempts: 30 s, 1 min, 2 min, ... at most an hour.
BACKOFF_BASE = 30
BACKOFF_MAX = 3600
SWEEP_BATCH = 500


def lease_seconds() -> int:
    return int(getattr(settings, "BEKWAAM_MAIL_LEASE", 60))


def sweep_grace() -> datetime.timedelta:
    # A just-queued row is left to its own task this long before the sweep queues it again.
    return datetime.timedelta(seconds=int(getattr(settings, "BEKWAAM_MAIL_SWEEP_GRACE", 15)))


def backoff_seconds(attempts: int) -> int:
    return min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(0, attempts - 1))


class MailDeferred(Exception):
    """The mail server was not reachable; the row waits `seconds` for its next attempt."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def mail_claim(*, mail_id: int) -> str | None:
    """Take the row for one attempt; None when it is sent, failed or held by a live claim."""
    now = timezone.now()
    token = secrets.token_hex(16)
    claimed = (
        OutgoingMail.objects.filter(pk=mail_id)
        .filter(
            Q(status=OutgoingMail.Status.PENDING)
            | Q(status=OutgoingMail.Status.SENDING, lease_until__lt=now)
        )
        .update(
            status=OutgoingMail.Status.SENDING,
            claim=token,
            attempts=F("attempts") + 1,
            lease_until=now + datetime.timedelta(seconds=lease_seconds()),
        )
    )
    return token if claimed else None


def _message(mail: OutgoingMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(mail.subject, mail.body, None, [mail.to])
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    return message


def _test_delay() -> None:
    # Tests only: hold the claim for a while so a test can SIGKILL the worker mid-send.
    delay = float(getattr(settings, "BEKWAAM_MAIL_TEST_DELAY", 0) or 0)
    if delay:
        time.sleep(delay)


def mail_deliver(*, mail_id: int) -> str:
    """Send one mail row, once. Returns what happened (for logs and tests).

    Raises MailDeferred after a transient failure (the row is pending again with its next
    attempt set); any other error marks the row failed and propagates.
    """
    token = mail_claim(mail_id=mail_id)
    if token is None:
        return "nothing to do"
    mail = OutgoingMail.objects.get(pk=mail_id)
    mine = OutgoingMail.objects.filter(pk=mail_id, claim=token)
    _test_delay()
    try:
        _message(mail).send()
    except TRANSIENT_ERRORS as error:
        if mail.attempts >= MAX_ATTEMPTS:
            mine.update(status=OutgoingMail.Status.FAILED, last_error=repr(error), claim="")
            logger.error("Gave up on mail %s after %s attempts: %r", mail_id, mail.attempts, error)
            return "failed"
        seconds = backoff_seconds(mail.attempts)
        mine.update(
            status=OutgoingMail.Status.PENDING,
            last_error=repr(error),
            claim="",
            lease_until=None,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=seconds),
        )
        logger.warning("Mail %s deferred %ss: %r", mail_id, seconds, error)
        raise MailDeferred(seconds) from error
    except Exception as error:
        mine.update(status=OutgoingMail.Status.FAILED, last_error=repr(error), claim="")
        raise
    mine.update(
        status=OutgoingMail.Status.SENT,
        sent_at=timezone.now(),
        claim="",
        lease_until=None,
        last_error="",
    )
    return "sent"


def mail_due():
    """Rows to hand to a worker now: pending and due (past a short grace, so a row's own
    task gets the first go), or held by a claim whose lease has passed."""
    now = timezone.now()
    return OutgoingMail.objects.filter(
        Q(status=OutgoingMail.Status.PENDING, next_attempt_at__lte=now - sweep_grace())
        | Q(status=OutgoingMail.Status.SENDING, lease_until__lt=now)
    )


def rate_limited() -> bool:
    """Whether the sweep alone queues mails, at BEKWAAM_MAIL_PER_MINUTE (with a broker)."""
    return bool(settings.BEKWAAM_MAIL_PER_MINUTE) and not settings.CELERY_TASK_ALWAYS_EAGER


def sweep_budget() -> int:
    """How many mails one sweep may queue: a sweep's share of the rate, or a batch."""
    if not rate_limited():
        return SWEEP_BATCH
    share = settings.BEKWAAM_MAIL_PER_MINUTE * settings.BEKWAAM_MAIL_SWEEP_INTERVAL / 60
    return max(1, min(SWEEP_BATCH, int(share)))


def mail_due_ids(limit: int = SWEEP_BATCH) -> list[int]:
    return list(mail_due().order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])


def mail_postpone(*, mail_id: int) -> None:
    """The sweep queued this row: not again at the next sweep while its message waits in a
    long queue. If the message is lost, the sweep after the lease picks the row up."""
    OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.PENDING).update(
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=lease_seconds())
    )


def mail_send_due(*, include_waiting: bool = False) -> dict[str, int]:
    """Send due mails in this process, without a broker (manage.py send_outbox).

    include_waiting also sends pending rows still inside the sweep's grace or backoff.
    """
    rows = mail_due()
    if include_waiting:
        rows = OutgoingMail.objects.filter(
            Q(status=OutgoingMail.Status.PENDING)
            | Q(status=OutgoingMail.Status.SENDING, lease_until__lt=timezone.now())
        )
    counts: dict[str, int] = {}
    for pk in rows.order_by("next_attempt_at", "id").values_list("pk", flat=True):
        try:
            outcome = mail_deliver(mail_id=pk)
        except MailDeferred:
            outcome = "deferred"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def mails_prune(*, now=None) -> int:
    """Delete sent mails older than BEKWAAM_MAIL_RETENTION_DAYS. A mail not (yet) sent stays
    whatever its age: it still has to go out, or a beheerder has to see why it did not. The
    dedup key of a deleted mail may come back only if its event's code ran again after that
    long, and no task is retried that late."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.BEKWAAM_MAIL_RETENTION_DAYS)
    deleted, _ = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted


def mails_retry_failed() -> int:
    """Give every mail the outbox gave up on a fresh set of attempts, due now: the sweep
    (tasks.sweep_mail) queues them within a minute, 500 at a time, or `manage.py
    send_outbox --all` sends them where no worker runs. Returns how many."""
    return OutgoingMail.objects.filter(status=OutgoingMail.Status.FAILED).update(
        status=OutgoingMail.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claim="",
        lease_until=None,
    )
