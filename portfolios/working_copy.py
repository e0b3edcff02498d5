"""Reads of a bewijsstuk's working copy and the student's quota: the services check them
before they write, and the views show them."""

from django.db.models import OuterRef, Sum

from organisation.models import Enrolment, User
from qualifications.models import Werkproces

from .models import Evidence, EvidenceEvent, EvidenceFile, EvidenceLink, EvidenceStatus


def evidence_current_status(evidence: Evidence) -> str:
    return EvidenceEvent.objects.current_kind(evidence=evidence) or EvidenceStatus.DRAFT


def student_used_bytes(student: User) -> int:
    return (
        EvidenceFile.objects.filter(evidence__enrolment__student=student).aggregate(
            total=Sum("size")
        )["total"]
        or 0
    )


def working_files(evidence: Evidence):
    """The files in the student's working copy (what the next submission will contain)."""
    return evidence.files.filter(removed_at__isnull=True)


def working_links(evidence: Evidence) -> dict[int, list[int]]:
    """{werkproces pk: [gedrag pks]} of the working copy: what the edit form starts from."""
    links: dict[int, list[int]] = {
        wp: [] for wp in evidence.wp_links.values_list("werkproces_id", flat=True)
    }
    for wp, criterion in EvidenceLink.criteria.through.objects.filter(
        evidencelink__evidence=evidence
    ).values_list("evidencelink__werkproces_id", "criterion_id"):
        links[wp].append(criterion)
    return links


def has_accepted_evidence(*, enrolment: Enrolment, werkproces: Werkproces) -> bool:
    """Is a bewijsstuk linked to this werkproces accepted (it counts for every link)."""
    return (
        Evidence.objects.filter(enrolment=enrolment, wp_links__werkproces=werkproces)
        .annotate(
            kind=EvidenceEvent.objects.current_value("kind", evidence=OuterRef("pk")),
        )
        .filter(kind=EvidenceEvent.Kind.ACCEPTED)
        .exists()
    )
