"""Mails about accounts. Called from tasks (tasks.py), never inside a web request."""

from django.conf import settings

from config.mail import absolute_url, send_templated

from .models import User
from .tokens import invite_path


def invite_send(*, user_id: int) -> None:
    user = User.objects.select_related("praktijkopleider__leerbedrijf").get(pk=user_id)
    if user.has_usable_password() or not user.email:
        return  # already in, or nowhere to send it: a rerun must not send a fresh link
    send_templated(
        template="organisation/mail/invite",
        to=user.email,
        context={
            "user": user,
            "leerbedrijf": user.praktijkopleider.leerbedrijf,
            "url": absolute_url(invite_path(user)),
            "days": settings.BEKWAAM_INVITE_MAX_AGE // 86400,
        },
    )
