"""Notifications and e-mails about evidence and sign-offs, written to the outbox.

Each function is called inside the transaction of its event (services.py), so the in-app
notification and the mail row commit or roll back with the event; notifications.tasks sends
the mail after commit, and its beat sweep sends it later when the broker was away. The
dedup key (event and recipient) makes a second call write nothing.

EvidenceNotification keeps recording which submissions a praktijkopleider was mailed about,
so the daily digest names each submission once and never one already mailed.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import absolute_url, mail_queue, notify, notify_with_mail, render_mail
from organisation.models import Enrolment, Praktijkopleider, User
from organisation.permissions import bpv_allows_review, open_bpv_periodes
from qualifications.models import Werkproces

from .models import Comment, EvidenceEvent, EvidenceNotification, SignOffEvent


def _evidence_path(event: EvidenceEvent) -> str:
    return reverse("portfolios:evidence", args=[event.evidence_id])


def _praktijkopleiders_for(enrolment_id: int, submitted_on=None):
    """Who may review evidence submitted on that day, today (organisation.permissions): in a
    grace period only for what was submitted within the BPV-periode; after it nobody."""
    today = timezone.localdate()
    ids = {
        periode.praktijkopleider_id
        for periode in open_bpv_periodes(today).filter(enrolment=enrolment_id)
        if bpv_allows_review(periode, submitted_on, today)
    }
    return Praktijkopleider.objects.filter(pk__in=ids).select_related("user")


def _event(event_id: int) -> EvidenceEvent:
    return EvidenceEvent.objects.select_related(
        "evidence__enrolment__student", "evidence__werkproces", "version"
    ).get(pk=event_id)


def _record(*, event: EvidenceEvent, recipient: User, channel: str) -> bool:
    """Note that this person was told about this event; False when they were already."""
    _, created = EvidenceNotification.objects.get_or_create(
        event=event, recipient=recipient, defaults={"channel": channel}
    )
    return created


def notify_submitted(*, event: EvidenceEvent) -> int:
    """Tell each praktijkopleider of the student in the app, and by mail unless they chose
    the daily digest. Returns how many were told now."""
    student = event.evidence.enrolment.student
    path = _evidence_path(event)
    told = 0
    submitted_on = timezone.localdate(event.created_at)
    for po in _praktijkopleiders_for(event.evidence.enrolment_id, submitted_on):
        by_mail = not po.daily_digest and bool(po.user.email)
        if by_mail and not _record(
            event=event, recipient=po.user, channel=EvidenceNotification.Channel.IMMEDIATE
        ):
            continue
        rendered = render_mail(
            "portfolios/mail/submitted",
            {"recipient": po.user, "event": event, "student": student, "url": absolute_url(path)},
        )
        written = notify(
            recipient=po.user,
            what=_("%(student)s heeft “%(title)s” ingediend voor %(code)s")
            % {
                "student": student.display_name,
                "title": event.version.title,
                "code": event.evidence.werkproces.code,
            },
            link=path,
            actor=student,
            dedup_key=f"evidence-event:{event.pk}:user:{po.user_id}",
            mail=by_mail,
            subject=rendered.subject,
            body=rendered.body,
        )
        told += written is not None
    return told


def notify_reviewed(*, event: EvidenceEvent) -> bool:
    student = event.evidence.enrolment.student
    accepted = event.kind == EvidenceEvent.Kind.ACCEPTED
    path = _evidence_path(event)
    written = notify_with_mail(
        recipient=student,
        template="portfolios/mail/reviewed",
        context={"event": event, "accepted": accepted, "url": absolute_url(path)},
        link=path,
        actor=event.actor,
        dedup_key=f"evidence-event:{event.pk}:user:{student.pk}",
    )
    if written is not None and student.email:
        _record(event=event, recipient=student, channel=EvidenceNotification.Channel.IMMEDIATE)
    return written is not None


def notify_sign_off(*, event: SignOffEvent) -> bool:
    """Tell the student that a werkproces was signed off, or that a sign-off was withdrawn."""
    enrolment: Enrolment = event.enrolment
    student = enrolment.student
    werkproces: Werkproces = event.werkproces
    path = reverse("portfolios:werkproces", args=[enrolment.pk, werkproces.code])
    written = notify_with_mail(
        recipient=student,
        template="portfolios/mail/sign_off",
        context={
            "event": event,
            "signed": event.kind == SignOffEvent.Kind.SIGNED,
            "werkproces": werkproces,
            "url": absolute_url(path),
        },
        link=path,
        actor=event.actor,
        dedup_key=f"sign-off-event:{event.pk}:user:{student.pk}",
    )
    return written is not None


def _conversation_others(comment: Comment) -> list[User]:
    """Everyone in the thread but its author: the student, the praktijkopleiders who may
    review this bewijsstuk today, and the mentors of the student's klas."""
    evidence = comment.evidence
    enrolment = evidence.enrolment
    latest = evidence.versions.order_by("-number").only("submitted_at").first()
    people = [enrolment.student]
    if latest is not None:
        submitted_on = timezone.localdate(latest.submitted_at)
        people += [po.user for po in _praktijkopleiders_for(enrolment.pk, submitted_on)]
        if enrolment.cohort_id:
            people += list(enrolment.cohort.mentors.all())
    seen = {comment.author_id}
    others = []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            others.append(person)
    return others


def notify_comment(*, comment: Comment, text: str) -> int:
    """Tell the others in the thread that someone wrote a reactie (not edits: a corrected
    typo is no news). Returns how many were told."""
    evidence = comment.evidence
    recipients = _conversation_others(comment)
    path = reverse("portfolios:evidence", args=[evidence.pk]) + f"#reactie-{comment.pk}"
    told = 0
    for recipient in recipients:
        written = notify_with_mail(
            recipient=recipient,
            template="portfolios/mail/comment",
            context={
                "comment": comment,
                "text": text,
                "code": evidence.werkproces.code,
                "url": absolute_url(path),
            },
            what=_("%(name)s reageerde op een bewijsstuk bij %(code)s")
            % {"name": comment.author_name, "code": evidence.werkproces.code},
            link=path,
            actor=comment.author,
            dedup_key=f"comment:{comment.pk}:user:{recipient.pk}",
        )
        told += written is not None
    return told


def reviewed_again(*, event_id: int) -> bool:
    """For messages queued before the outbox existed: writes nothing the second time."""
    with transaction.atomic():
        return notify_reviewed(event=_event(event_id))


def submitted_again(*, event_id: int) -> int:
    with transaction.atomic():
        return notify_submitted(event=_event(event_id))


def digest_send(*, praktijkopleider_id: int) -> int:
    """Queue one mail with every submission not yet mailed to this praktijkopleider."""
    with transaction.atomic():
        po = (
            Praktijkopleider.objects.select_for_update()
            .select_related("user")
            .get(pk=praktijkopleider_id)
        )
        if not po.daily_digest or not po.user.email:
            return 0
        today = timezone.localdate()
        periodes: dict[int, list] = {}
        for periode in open_bpv_periodes(today).filter(praktijkopleider=po):
            periodes.setdefault(periode.enrolment_id, []).append(periode)
        already = EvidenceNotification.objects.filter(recipient=po.user).values("event_id")
        candidates = (
            EvidenceEvent.objects.filter(
                kind=EvidenceEvent.Kind.SUBMITTED, evidence__enrolment__in=list(periodes)
            )
            .exclude(pk__in=already)
            .select_related("evidence__enrolment__student", "evidence__werkproces", "version")
            .order_by("created_at", "id")
        )
        # The same rule as the inbox: in a grace period only submissions from the period.
        events = [
            event
            for event in candidates
            if any(
                bpv_allows_review(p, timezone.localdate(event.created_at), today)
                for p in periodes[event.evidence.enrolment_id]
            )
        ]
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
        rendered = render_mail(
            "portfolios/mail/digest",
            {
                "recipient": po.user,
                "items": [(event, absolute_url(_evidence_path(event))) for event in events],
                "inbox_url": absolute_url(reverse("portfolios:inbox")),
            },
        )
        # The select_for_update above serialises digests of one praktijkopleider, and the
        # events it names are recorded in this transaction: the key is one per digest.
        mail_queue(
            to=po.user.email,
            subject=rendered.subject,
            body=rendered.body,
            dedup_key=f"digest:po:{po.pk}:events:{events[0].pk}-{events[-1].pk}",
            recipient=po.user,
        )
        return len(events)
