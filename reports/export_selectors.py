"""What the student's own export holds: the whole portfolio of one enrolment, as plain data
for portfolio.json and index.html (services._run_export writes the ZIP).

Who may ask is selectors.export_enrolments: the student, or a beheerder; not the mentor or
the assessors, who may read results but not the drafts and files of the whole portfolio.
"""

import json

from django.db.models import Prefetch

from credentials.selectors import badges_for_export
from organisation.models import Enrolment
from portfolios.models import Evidence, EvidenceEvent, EvidenceFile, EvidenceStatus, EvidenceVersion

from .selectors import REPORT_RELATED, REPORT_VERSION, _local, student_report_data


def _file_entry(f: EvidenceFile) -> dict:
    # One copy per file in the ZIP, however many versions hold it; the name is ours (the
    # stored name is random) plus the student's own file name, cleaned for any file system.
    safe = "".join(c if c.isalnum() or c in "._- " else "_" for c in f.original_name)
    return {
        "name": f.original_name,
        "path": f"bestanden/{f.pk}-{safe.strip()[:100] or 'bestand'}",
        "stored": f.file.name,
        "size": f.size,
        "content_type": f.content_type,
        "uploaded_at": _local(f.uploaded_at),
    }


def export_data(*, enrolment: Enrolment) -> dict:
    """The whole portfolio of one enrolment, for its student: every bewijsstuk (also drafts)
    with every version, its files, feedback and review events, the sign-offs, the
    feasibility notes and the results the student may read."""
    enrolment = Enrolment.objects.select_related(*REPORT_RELATED).get(pk=enrolment.pk)
    student = enrolment.student
    evidence = []
    for item in (
        Evidence.objects.filter(enrolment=enrolment)
        .select_related("werkproces")
        .prefetch_related(
            "files",
            Prefetch(
                "versions",
                queryset=EvidenceVersion.objects.order_by("number").prefetch_related(
                    "files", Prefetch("events", queryset=EvidenceEvent.objects.newest_first())
                ),
            ),
        )
        .order_by("werkproces__code", "date", "id")
    ):
        versions = list(item.versions.all())
        events = [e for v in versions for e in v.events.all()]
        latest = max(events, key=lambda e: (e.created_at, e.pk), default=None)
        evidence.append(
            {
                "werkproces": item.werkproces.code,
                "title": item.title,
                "reflection": item.reflection,
                "date": item.date,
                "links": list(item.links),
                "status": str(EvidenceStatus(latest.kind).label)
                if latest
                else str(EvidenceStatus.DRAFT.label),
                "created_at": _local(item.created_at),
                "files": [_file_entry(f) for f in item.files.all() if f.removed_at is None],
                "versions": [
                    {
                        "number": v.number,
                        "title": v.title,
                        "reflection": v.reflection,
                        "date": v.date,
                        "links": list(v.links),
                        "submitted_at": _local(v.submitted_at),
                        "files": [_file_entry(f) for f in v.files.all()],
                        "events": [
                            {
                                "kind": str(e.get_kind_display()),
                                "feedback": e.feedback,
                                "by": e.actor_name,
                                "at": _local(e.created_at),
                            }
                            for e in reversed(list(v.events.all()))
                        ],
                    }
                    for v in versions
                ],
            }
        )
    report = student_report_data(enrolment=enrolment)
    return {
        "version": REPORT_VERSION,
        "exported_for": {"name": student.display_name, "number": student.username},
        "school": report["school"],
        "qualification": report["qualification"],
        "cohort": report["cohort"],
        "bpv": report["bpv"],
        "evidence": evidence,
        "kerntaken": report["kerntaken"],
        "badges": [
            {**badge, "path": f"badges/{badge['code']}-{badge['uid'][:8]}.json"}
            for badge in badges_for_export(enrolment=enrolment)
        ],
        # Paths of files the storage no longer holds (filled in by services._run_export).
        "missing_files": [],
    }


def badge_file(badge: dict) -> str:
    """A badge's file in the ZIP: the same JSON the student downloads from Mijn badges."""
    return json.dumps(
        {"credential": badge["credential"], "jwt": badge["jwt"]}, ensure_ascii=False, indent=2
    )


def mark_missing(data: dict, missing: set[str]) -> None:
    """Note each file the storage no longer holds, so index.html says so instead of
    linking to nothing."""
    for item in data["evidence"]:
        for f in [*item["files"], *(f for v in item["versions"] for f in v["files"])]:
            f["missing"] = f["path"] in missing
    data["missing_files"] = sorted(missing)


def export_files(data: dict) -> dict[str, str]:
    """{path in the ZIP: stored name} of every file the export holds, once each."""
    files = {}
    for item in data["evidence"]:
        for f in [*item["files"], *(f for v in item["versions"] for f in v["files"])]:
            files[f["path"]] = f["stored"]
    return files
