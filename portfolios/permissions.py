"""Who may see and do what in a portfolio. One helper per model; outsiders get 404.

- The student sees their own portfolio, drafts included.
- A praktijkopleider sees the students of their BPV-periodes, from the first day of that
  period on, and reviews and signs off for them.
- A docent sees the students of the klassen they mentor, read-only.
Others see only what has been submitted: a draft is the student's own business.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from organisation.models import Enrolment, User
from organisation.permissions import current_bpv_of, is_owner, review_bpv_of, visible_enrolments
from qualifications.models import Werkproces
from qualifications.tree_cache import dossier_tree

from .models import Comment, Evidence, EvidenceFile, EvidenceStatus, EvidenceVersion


def get_werkproces_for_enrolment(enrolment: Enrolment, code: str) -> Werkproces:
    """A werkproces of the student's own kwalificatie; any other code does not exist here."""
    werkproces = dossier_tree(enrolment.qualification).werkproces(code)
    if werkproces is None:
        raise Http404
    return werkproces


def visible_evidence(user) -> QuerySet[Evidence]:
    if not user.is_authenticated:
        return Evidence.objects.none()
    if user.role == User.Role.STUDENT:
        return Evidence.objects.filter(enrolment__student=user)
    submitted = EvidenceVersion.objects.filter(evidence=OuterRef("pk"))
    return Evidence.objects.filter(enrolment__in=visible_enrolments(user)).filter(Exists(submitted))


def get_evidence_for_user(user, pk: int) -> Evidence:
    try:
        return (
            visible_evidence(user)
            .select_related(
                "enrolment__student", "enrolment__qualification__dossier", "werkproces__kerntaak"
            )
            .get(pk=pk)
        )
    except Evidence.DoesNotExist as exc:
        raise Http404 from exc


def visible_files(user) -> QuerySet[EvidenceFile]:
    if not user.is_authenticated:
        return EvidenceFile.objects.none()
    if user.role == User.Role.STUDENT:
        return EvidenceFile.objects.filter(evidence__enrolment__student=user)
    # Only files that were part of a submitted version; a file added to a draft is private.
    in_version = EvidenceVersion.files.through.objects.filter(evidencefile_id=OuterRef("pk"))
    return EvidenceFile.objects.filter(evidence__enrolment__in=visible_enrolments(user)).filter(
        Exists(in_version)
    )


def get_evidence_file_for_user(user, pk: int) -> EvidenceFile:
    try:
        return visible_files(user).get(pk=pk)
    except EvidenceFile.DoesNotExist as exc:
        raise Http404 from exc


def can_review(user, enrolment: Enrolment) -> bool:
    """May this user review anything of this student (organisation.permissions.bpv_access)."""
    return review_bpv_of(user, enrolment) is not None


def submitted_on(evidence: Evidence):
    version = evidence.versions.order_by("-number").only("submitted_at").first()
    return timezone.localdate(version.submitted_at) if version else None


def can_review_evidence(user, evidence: Evidence) -> bool:
    """In the grace period only evidence submitted within the BPV-periode may be reviewed."""
    return review_bpv_of(user, evidence.enrolment, submitted_on(evidence)) is not None


def can_act(user, enrolment: Enrolment) -> bool:
    """Sign off, withdraw, mark feasibility: only within the BPV-periode itself."""
    return current_bpv_of(user, enrolment) is not None


def require_reviewer(user, enrolment: Enrolment):
    """For people who may see the portfolio but not act in it: 403, they know it exists."""
    bpv = current_bpv_of(user, enrolment)
    if bpv is None:
        raise PermissionDenied
    return bpv


def require_evidence_reviewer(user, evidence: Evidence):
    bpv = review_bpv_of(user, evidence.enrolment, submitted_on(evidence))
    if bpv is None:
        raise PermissionDenied
    return bpv


def can_edit_evidence(user, evidence: Evidence, status: str) -> bool:
    # Accepted evidence is final; submitted evidence waits for its review.
    return is_owner(user, evidence.enrolment) and status in {
        EvidenceStatus.DRAFT,
        EvidenceStatus.RETURNED,
    }


def in_conversation(user, evidence: Evidence) -> bool:
    """The thread of a bewijsstuk is between the student, their praktijkopleider(s) who may
    review it (organisation.permissions.bpv_access) and the mentor(s) of their klas."""
    if not user.is_authenticated:
        return False
    if is_owner(user, evidence.enrolment):
        return True
    if user.role == User.Role.DOCENT:
        return evidence.enrolment.cohort_id is not None and (
            evidence.enrolment.cohort.mentors.filter(pk=user.pk).exists()
        )
    return can_review_evidence(user, evidence)


def get_comment_for_user(user, pk: int) -> Comment:
    """A reactie in a thread this user takes part in; any other does not exist for them."""
    try:
        comment = Comment.objects.select_related("evidence").get(pk=pk)
    except Comment.DoesNotExist as exc:
        raise Http404 from exc
    evidence = get_evidence_for_user(user, comment.evidence_id)
    if not in_conversation(user, evidence):
        raise Http404
    comment.evidence = evidence
    return comment
