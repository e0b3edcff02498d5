"""Mails about accounts, written to the outbox (notifications) in the caller's transaction."""

import secrets

from django.conf import settings

from notifications.services import absolute_url, mail_queue, render_mail

from .models import User
from .tokens import invite_path


def invite_queue(*, user: User) -> None:
    """Queue a mail with a fresh one-time link; it is sent once the invite commits."""
    rendered = render_mail(
        "organisation/mail/invite",
        {
            "user": user,
            "leerbedrijf": user.praktijkopleider.leerbedrijf,
            "url": absolute_url(invite_path(user)),
            "days": settings.BEKWAAM_INVITE_MAX_AGE // 86400,
        },
    )
    mail_queue(
        to=user.email,
        subject=rendered.subject,
        body=rendered.body,
        # Each invite is its own mail (inviting again sends a fresh link: mails get lost).
        dedup_key=f"invite:user:{user.pk}:{secrets.token_hex(8)}",
        recipient=user,
    )


def invite_send(*, user_id: int) -> None:
    """For invite messages queued before the outbox existed."""
    user = User.objects.select_related("praktijkopleider__leerbedrijf").get(pk=user_id)
    if user.has_usable_password() or not user.email:
        return  # already in, or nowhere to send it: a rerun must not send a fresh link
    invite_queue(user=user)
