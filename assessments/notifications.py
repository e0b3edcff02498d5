"""Telling the student their final result, in the transaction that records it (outbox)."""

from django.urls import reverse

from notifications.services import absolute_url, notify_with_mail

from .models import Vaststelling


def notify_result(*, vaststelling: Vaststelling) -> bool:
    """In the app and by mail: a vaststelling, or a correction of one."""
    beoordeling = vaststelling.beoordeling
    enrolment = beoordeling.enrolment
    student = enrolment.student
    path = reverse("assessments:results", args=[enrolment.pk])
    written = notify_with_mail(
        recipient=student,
        template="assessments/mail/result",
        context={
            "vaststelling": vaststelling,
            "werkproces": beoordeling.werkproces,
            "correction": vaststelling.number > 1,
            "url": absolute_url(path),
        },
        link=path,
        actor=vaststelling.recorded_by,
        dedup_key=f"vaststelling:{vaststelling.pk}:user:{student.pk}",
    )
    return written is not None
