"""Writes for a student's drafts: create a bewijsstuk once per form, delete a draft, take a
file out of a draft. Nobody else has seen a draft, so nobody else is told anything.

A double click on "Bewaren als concept" (or two requests racing) must make one bewijsstuk:
the create form carries a one-time token, and Evidence.form_token is unique in the database,
so the second INSERT waits for the first transaction and then fails; we answer it with the
bewijsstuk the first one made, and its files are never stored (they come after the row)."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from organisation.models import User

from . import services
from .models import Evidence, EvidenceFile, EvidenceStatus
from .working_copy import evidence_current_status, working_files


def _by_token(student: User, form_token: uuid.UUID) -> Evidence | None:
    return Evidence.objects.filter(form_token=form_token, enrolment__student=student).first()


def evidence_create_once(
    *, student: User, form_token: uuid.UUID | None, **fields
) -> tuple[Evidence, bool]:
    """services.evidence_create, at most once per form_token: (bewijsstuk, made now)."""
    if form_token is not None and (existing := _by_token(student, form_token)):
        return existing, False
    try:
        with transaction.atomic():
            evidence = services.evidence_create(student=student, form_token=form_token, **fields)
    except IntegrityError as exc:
        existing = _by_token(student, form_token) if form_token else None
        if existing is None:
            raise ValidationError(
                _("Dit formulier is al gebruikt. Laad de pagina opnieuw.")
            ) from exc
        return existing, False
    return evidence, True


def _lock_own_draft(student: User, evidence: Evidence) -> Evidence:
    evidence = Evidence.objects.select_for_update().select_related("enrolment").get(pk=evidence.pk)
    if evidence.enrolment.student_id != student.pk:
        raise PermissionDenied
    return evidence


@transaction.atomic
def evidence_delete_draft(*, student: User, evidence: Evidence) -> None:
    """Delete a bewijsstuk that was never submitted, with its files (their space is free
    again once this commits). Anything ever submitted is an exam record and stays."""
    evidence = _lock_own_draft(student, evidence)
    if evidence.versions.exists() or evidence_current_status(evidence) != EvidenceStatus.DRAFT:
        raise ValidationError(
            _("Een bewijsstuk dat je al hebt ingediend, kun je niet meer verwijderen.")
        )
    for evidence_file in evidence.files.all():
        services._delete_file(evidence_file)
    evidence.delete()


@transaction.atomic
def evidence_file_remove(*, student: User, evidence_file: EvidenceFile) -> Evidence:
    """Take one file out of a working copy (draft or returned). Never submitted: the row
    and the stored file go and the quota frees; part of a submitted version: it only leaves
    the working copy, the version keeps showing it."""
    evidence = _lock_own_draft(student, evidence_file.evidence)
    if evidence_current_status(evidence) not in {EvidenceStatus.DRAFT, EvidenceStatus.RETURNED}:
        raise ValidationError(
            _("Een ingediend of goedgekeurd bewijsstuk kun je niet meer wijzigen.")
        )
    current = list(working_files(evidence))
    if evidence_file.pk not in {f.pk for f in current}:
        raise ValidationError(_("Dat bestand hoort niet (meer) bij dit bewijsstuk."))
    if len(current) == 1 and not evidence.links:
        raise ValidationError(
            _(
                "Dit is het enige bestand en er is geen link: voeg eerst iets anders toe, "
                "of verwijder het hele concept."
            )
        )
    services._remove_working_files(evidence=evidence, files=[evidence_file])
    return evidence
