"""E-mails about evidence. Called from tasks (tasks.py), never inside a web request.

Each mail is recorded in EvidenceNotification in the transaction that sends it: if sending
fails the record rolls back and a retry sends it; if it succeeded, running again finds the
record and sends nothing.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .invitations import invite_path
from .models import (
    BpvPeriode,
    EvidenceEvent,
    EvidenceNotification,
    Praktijkopleider,
    User,
)


def absolute_url(path: str) -> str:
    return settings.BEKWAAM_BASE_URL.rstrip("/") + path


def _evidence_url(event: EvidenceEvent) -> str:
    return absolute_url(reverse("portfolios:evidence", args=[event.evidence_id]))


def _send(*, template: str, to: str, context: dict) -> None:
    # Mails go out in Dutch whatever language the person who caused them had chosen.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"portfolios/mail/{template}_subject.txt", context)
        body = render_to_string(f"portfolios/mail/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])


def _claim(*, event: EvidenceEvent, recipient: User, channel: str) -> bool:
    """Record the mail; False when it was already sent."""
    try:
        with transaction.atomic():
            EvidenceNotification.objects.create(event=event, recipient=recipient, channel=channel)
    except IntegrityError:
        return False
    return True


def invite_send(*, user_id: int) -> None:
    user = User.objects.select_related("praktijkopleider__leerbedrijf").get(pk=user_id)
    if user.has_usable_password() or not user.email:
        return  # already in, or nowhere to send it: a rerun must not send a fresh link
    _send(
        template="invite",
        to=user.email,
        context={
            "user": user,
            "leerbedrijf": user.praktijkopleider.leerbedrijf,
            "url": absolute_url(invite_path(user)),
            "days": settings.BEKWAAM_INVITE_MAX_AGE // 86400,
        },
    )


def _praktijkopleiders_for(event: EvidenceEvent):
    today = timezone.localdate()
    return Praktijkopleider.objects.filter(
        pk__in=BpvPeriode.objects.filter(
            enrolment=event.evidence.enrolment_id, starts_on__lte=today
        ).values("praktijkopleider_id")
    ).select_related("user")


def _event(event_id: int) -> EvidenceEvent:
    return EvidenceEvent.objects.select_related(
        "evidence__enrolment__student", "evidence__werkproces", "version"
    ).get(pk=event_id)


def notify_submitted(*, event_id: int) -> int:
    """Mail each praktijkopleider of the student, except those who want the daily digest."""
    event = _event(event_id)
    sent = 0
    for po in _praktijkopleiders_for(event):
        if po.daily_digest or not po.user.email:
            continue
        # One transaction per recipient: a failure for one leaves the others recorded.
        with transaction.atomic():
            immediate = EvidenceNotification.Channel.IMMEDIATE
            if not _claim(event=event, recipient=po.user, channel=immediate):
                continue
            _send(
                template="submitted",
                to=po.user.email,
                context={
                    "recipient": po.user,
                    "event": event,
                    "student": event.evidence.enrolment.student,
                    "url": _evidence_url(event),
                },
            )
        sent += 1
    return sent


@transaction.atomic
def notify_reviewed(*, event_id: int) -> bool:
    event = _event(event_id)
    student = event.evidence.enrolment.student
    if not student.email:
        return False
    if not _claim(event=event, recipient=student, channel=EvidenceNotification.Channel.IMMEDIATE):
        return False
    _send(
        template="reviewed",
        to=student.email,
        context={
            "recipient": student,
            "event": event,
            "accepted": event.kind == EvidenceEvent.Kind.ACCEPTED,
            "url": _evidence_url(event),
        },
    )
    return True


def digest_send(*, praktijkopleider_id: int) -> int:
    """One mail with every submission not yet mailed to this praktijkopleider."""
    with transaction.atomic():
        po = (
            Praktijkopleider.objects.select_for_update()
            .select_related("user")
            .get(pk=praktijkopleider_id)
        )
        if not po.daily_digest or not po.user.email:
            return 0
        today = timezone.localdate()
        enrolments = BpvPeriode.objects.filter(praktijkopleider=po, starts_on__lte=today).values(
            "enrolment_id"
        )
        already = EvidenceNotification.objects.filter(recipient=po.user).values("event_id")
        events = list(
            EvidenceEvent.objects.filter(
                kind=EvidenceEvent.Kind.SUBMITTED, evidence__enrolment__in=enrolments
            )
            .exclude(pk__in=already)
            .select_related("evidence__enrolment__student", "evidence__werkproces", "version")
            .order_by("created_at", "id")
        )
        if not events:
            return 0
        EvidenceNotification.objects.bulk_create(
            [
                EvidenceNotification(
                    event=event, recipient=po.user, channel=EvidenceNotification.Channel.DIGEST
                )
                for event in events
            ]
        )
        _send(
            template="digest",
            to=po.user.email,
            context={
                "recipient": po.user,
                "items": [(event, _evidence_url(event)) for event in events],
                "inbox_url": absolute_url(reverse("portfolios:inbox")),
            },
        )
        return len(events)
