"""Celery tasks: thin wrappers that take ids and call one service."""

from celery import shared_task
from django.db import transaction

from . import audit, import_jobs, mail


@shared_task
def send_invite(user_id: int) -> None:
    # Invites are outbox rows now (invitations.py); this serves messages queued before.
    with transaction.atomic():
        mail.invite_send(user_id=user_id)


@shared_task
def prune_audit_log() -> int:
    """Daily (beat): delete audit rows past BEKWAAM_AUDIT_RETENTION_DAYS. Safe to run twice."""
    return audit.audit_prune()


@shared_task
def prune_sign_ins() -> tuple[int, int]:
    """Daily (beat): expired sessions and old sign-in records. Safe to run twice."""
    return audit.sign_ins_prune()


@shared_task
def prune_import_files() -> int:
    """Daily (beat): the files of imports broken off a week ago. Safe to run twice."""
    return import_jobs.import_files_prune()


@shared_task
def run_import(job_id: int) -> str:
    return import_jobs.job_run(job_id=job_id)
