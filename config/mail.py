"""Sending a templated mail, and links in it. Shared by every app that mails people."""

from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

# Mail servers go away for a moment; anything else is a bug and should surface.
MAIL_RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": 30,
    "max_retries": 8,
}


def absolute_url(path: str) -> str:
    return settings.BEKWAAM_BASE_URL.rstrip("/") + path


def send_templated(*, template: str, to: str, context: dict) -> None:
    """`template` names `<template>_subject.txt` and `<template>.txt` under templates/."""
    # Mails go out in Dutch whatever language the person who caused them had chosen.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])
