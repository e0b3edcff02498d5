"""Celery tasks: thin wrappers that take ids and call one service. Enqueued on commit."""

from celery import shared_task

from config.mail import MAIL_RETRY

from . import mail


@shared_task(**MAIL_RETRY)
def send_invite(user_id: int) -> None:
    mail.invite_send(user_id=user_id)
