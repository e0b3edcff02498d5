"""Mails about accounts, written to the outbox (notifications) in the caller's transaction."""

import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications.services import absolute_url, mail_queue, render_mail

from .models import User
from .tokens import invite_path


def invite_queue(*, user: User) -> None:
    """Queue a mail with a fresh one-time link; it is sent once the invite commits.

    Praktijkopleiders get the invite naming their leerbedrijf; students and staff added by
    CSV or in the console the activation mail (same link, same rules)."""
    context = {
        "user": user,
        "url": absolute_url(invite_path(user)),
        "days": settings.BEKWAAM_INVITE_MAX_AGE // 86400,
    }
    praktijkopleider = getattr(user, "praktijkopleider", None)
    if user.role == User.Role.PRAKTIJKOPLEIDER and praktijkopleider is not None:
        template = "organisation/mail/invite"
        context["leerbedrijf"] = praktijkopleider.leerbedrijf
    else:
        template = "organisation/mail/activation"
    rendered = render_mail(template, context)
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


def password_reset_queue(*, user: User) -> None:
    """Queue a mail with a password-reset link; it is sent once the caller commits.

    Django's token is signed over the password hash and last login, so the link works once
    and stops working as soon as the password changes; it expires after
    PASSWORD_RESET_TIMEOUT.
    """
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    rendered = render_mail(
        "registration/mail/password_reset",
        {
            "user": user,
            "url": absolute_url(path),
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        },
    )
    mail_queue(
        to=user.email,
        subject=rendered.subject,
        body=rendered.body,
        # Each request is its own mail: asking again must send a fresh link.
        dedup_key=f"password-reset:user:{user.pk}:{secrets.token_hex(8)}",
        recipient=user,
    )
