"""E-mails about evidence. Called from tasks (tasks.py), never inside a web request.

Each mail is recorded in EvidenceNotification in the transaction that sends it: if sending
fails the record rolls back and a retry sends it; if it succeeded, running again finds the
record and sends nothing.
"""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from config.mail import absolute_url, send_templated
from organisation.models import BpvPeriode, Praktijkopleider, User

from .models import EvidenceEvent, EvidenceNotification


def _evidence_url(event: EvidenceEvent) -> str:
    return absolute_url(reverse("portfolios:evidence", args=[event.evidence_id]))


def _send(*, template: str, to: str, context: dict) -> None:
    send_templated(template=f"portfolios/mail/{template}", to=to, context=context)


def _claim(*, event: EvidenceEvent, recipient: User, channel: str) -> bool:
    """Record the mail; False when it was already sent."""
    try:
        with transaction.atomic():
            EvidenceNotification.objects.create(event=event, recipient=recipient, channel=channel)
    except IntegrityError:
        return False
    return True


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
