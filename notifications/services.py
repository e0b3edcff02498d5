"""Writing notifications and mails (the outbox), and marking notifications read.

notify() and mail_queue() write rows inside the caller's transaction and ask for the mail
to be sent once that transaction commits (config.tasks.enqueue_on_commit, which never fails
the request when the broker is away: the beat sweep in tasks.py sends such rows later).
Sending itself is in sending.py.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

from config.mail import absolute_url
from config.tasks import enqueue_on_commit

from . import sending, tasks
from .models import Notification, OutgoingMail
from .selectors import unread_cache_key

__all__ = ["absolute_url", "mail_queue", "notify", "notify_with_mail", "render_mail"]


def _display_name(user) -> str:
    name = getattr(user, "display_name", None)
    return name or user.get_full_name() or user.get_username()


# --- Rendering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    body: str
    html_body: str = ""


def _render_plain(template_name: str, context: dict) -> str:
    # Plain text has no HTML entities: a title like "Tom & Jerry's" must read as typed, so
    # text templates render with autoescape off (HTML bodies keep it on).
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def render_mail(template: str, context: dict, *, html: bool = False) -> RenderedMail:
    """Render `<template>_subject.txt`, `<template>.txt` (and `<template>.html`).

    Always in the site's language (Dutch), whatever the language of whoever caused the
    mail; the subject is one line.
    """
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(_render_plain(f"{template}_subject.txt", context).split())
        body = _render_plain(f"{template}.txt", context)
        html_body = get_template(f"{template}.html").render(context) if html else ""
    return RenderedMail(subject=subject, body=body, html_body=html_body)


# --- Writing --------------------------------------------------------------------------------


def _safe_link(link: str) -> str:
    # Opening a notification redirects to its link: only paths on this site.
    if link and not (
        link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None)
    ):
        raise ValueError(f"A notification link must be a path on this site: {link!r}")
    return link


def mail_queue(
    *,
    to: str,
    subject: str,
    body: str,
    dedup_key: str,
    html_body: str = "",
    recipient=None,
) -> OutgoingMail | None:
    """Write a mail row in the caller's transaction; it is sent after commit.

    Returns None when a mail with this dedup_key exists already (the event ran twice).
    """
    if not to:
        return None
    try:
        # A savepoint: a duplicate key must not break the caller's transaction on PostgreSQL.
        with transaction.atomic():
            mail = OutgoingMail.objects.create(
                recipient=recipient,
                to=to,
                subject=" ".join(subject.split())[:300],
                body=body,
                html_body=html_body,
                dedup_key=dedup_key,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        if OutgoingMail.objects.filter(dedup_key=dedup_key).exists():
            return None
        raise
    if not sending.rate_limited():
        enqueue_on_commit(tasks.send_mail, mail.pk)
    # else the sweep queues it within a sweep or two, at the school's rate.
    return mail


def _unread_changed(user_pk: int) -> None:
    """Drop the bell's cached count now and again when the transaction commits."""
    key = unread_cache_key(user_pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def notify(
    *,
    recipient,
    what: str,
    link: str = "",
    actor=None,
    dedup_key: str,
    mail: bool = True,
    subject: str = "",
    body: str = "",
    html_body: str = "",
) -> Notification | None:
    """Tell a user something in the app and (with mail=True) by e-mail, once per dedup_key.

    Call it inside the transaction of the event: the rows commit with it. The mail goes to
    the recipient's address if they have one; subject and body are the rendered mail (see
    render_mail). Returns None when this notification was written before.
    """
    link = _safe_link(link)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                what=what[:300],
                actor_name=_display_name(actor)[:300] if actor is not None else "",
                link=link,
                dedup_key=dedup_key,
            )
    except IntegrityError:
        if Notification.objects.filter(dedup_key=dedup_key).exists():
            return None
        raise
    if mail:
        if not subject or not body:
            raise ValueError("A mail needs a subject and a body")
        mail_queue(
            to=recipient.email,
            subject=subject,
            body=body,
            html_body=html_body,
            dedup_key=dedup_key,
            recipient=recipient,
        )
    _unread_changed(notification.recipient_id)
    return notification


def notify_with_mail(
    *,
    recipient,
    template: str,
    context: dict,
    link: str,
    dedup_key: str,
    actor=None,
    what: str = "",
) -> Notification | None:
    """The usual case: render `template` for this recipient, tell them in the app (`what`,
    or the mail's subject) and by mail when they have an address. None when told before."""
    rendered = render_mail(template, {"recipient": recipient, **context})
    return notify(
        recipient=recipient,
        what=what or rendered.subject,
        link=link,
        actor=actor,
        dedup_key=dedup_key,
        mail=bool(recipient.email),
        subject=rendered.subject,
        body=rendered.body,
    )


@transaction.atomic
def mails_discard(*, to_domain: str) -> int:
    """Drop mails not yet sent to addresses at this domain (seed_demo's made-up history)."""
    deleted, _ = OutgoingMail.objects.filter(
        to__iendswith=f"@{to_domain}",
        status__in=[OutgoingMail.Status.PENDING, OutgoingMail.Status.FAILED],
    ).delete()
    return deleted


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        _unread_changed(notification.recipient_id)


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    _unread_changed(user.pk)
    return marked
