"""What a report shows, gathered once as plain data, and who may ask for it.

The same data feeds the fingerprint (equal data, equal PDF: the request reuses it) and the
template, so the PDF can never show something the fingerprint did not cover.

Access follows assessments.permissions.result_enrolments: a report holds final scores, so it
is for those who may read results (the student, the klas's mentor, its assessors). Anyone
else gets 404.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from assessments.permissions import result_enrolments
from assessments.selectors import STAGE_LABELS, Stage, progress_for, results_for
from organisation.models import BpvPeriode, Cohort, Enrolment
from organisation.permissions import visible_cohorts
from portfolios.models import (
    Evidence,
    EvidenceStatus,
    EvidenceVersion,
    EvidenceVersionLink,
    SignOffEvent,
)
from portfolios.selectors import with_status
from qualifications.selectors import werkprocessen_of

from .models import ReportJob

# What a report reads of an enrolment: select_related() these and no query is spent on them.
REPORT_RELATED = ("student", "qualification__dossier", "cohort")
# Bump when the template changes what a report shows: old PDFs are then not reused.
REPORT_VERSION = "1"


# --- Access ---------------------------------------------------------------------------------


def report_enrolments(user) -> QuerySet[Enrolment]:
    return result_enrolments(user)


def get_report_enrolment_for_user(user, pk: int) -> Enrolment:
    try:
        return report_enrolments(user).select_related("student", "qualification").get(pk=pk)
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc


def visible_jobs(user) -> QuerySet[ReportJob]:
    if not user.is_authenticated:
        return ReportJob.objects.none()
    return ReportJob.objects.filter(
        Q(enrolment__in=report_enrolments(user)) | Q(cohort__in=visible_cohorts(user))
    )


def get_job_for_user(user, pk: int) -> ReportJob:
    try:
        return visible_jobs(user).select_related("enrolment__student", "cohort").get(pk=pk)
    except ReportJob.DoesNotExist as exc:
        raise Http404 from exc


def jobs_for(*, user) -> list[ReportJob]:
    return list(
        visible_jobs(user)
        .filter(requested_by=user, parent__isnull=True)
        .select_related("enrolment__student", "cohort")[:20]
    )


# --- Report data ----------------------------------------------------------------------------


def _day(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localdate(value)
    return value.isoformat()


def student_report_data(*, enrolment: Enrolment) -> dict:
    """Everything one student's report shows, as JSON-able data.

    Evidence is what was submitted (drafts are the student's own business); results are
    what the student may read (results_for), so the report never shows more than that."""
    cache = enrolment._state.fields_cache
    if not ({"student", "qualification", "cohort"} <= cache.keys()) or (
        "dossier" not in enrolment.qualification._state.fields_cache
    ):
        enrolment = Enrolment.objects.select_related(*REPORT_RELATED).get(pk=enrolment.pk)
    qualification = enrolment.qualification
    progress = progress_for(enrolments=[enrolment])
    werkprocessen = list(
        werkprocessen_of(qualification).order_by(
            "kerntaak__position", "kerntaak__code", "position", "code"
        )
    )
    evidence: dict[int, list[dict]] = {}
    for item in (
        with_status(Evidence.objects.filter(enrolment=enrolment))
        .filter(last_kind__isnull=False)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=EvidenceVersion.objects.order_by("number").prefetch_related(
                    Prefetch("wp_links", queryset=EvidenceVersionLink.objects.order_by("id"))
                ),
                to_attr="vl",
            )
        )
        .order_by("date", "id")
    ):
        latest = item.vl[-1]
        # Under every werkproces the submitted version was linked to.
        for link in latest.wp_links.all():
            evidence.setdefault(link.werkproces_id, []).append(
                {
                    "title": latest.title,
                    "date": _day(latest.date),
                    "status": str(EvidenceStatus(item.last_kind).label),
                    "version": latest.number,
                }
            )
    sign_offs: dict[int, list[dict]] = {}
    for event in SignOffEvent.objects.filter(enrolment=enrolment).order_by("created_at", "id"):
        sign_offs.setdefault(event.werkproces_id, []).append(
            {
                "kind": str(event.get_kind_display()),
                "name": event.actor_name,
                "date": _day(event.created_at),
            }
        )
    results: dict[int, list[dict]] = {}
    for row in results_for(user=enrolment.student, enrolment=enrolment):
        results[row.werkproces.pk] = [
            {
                "number": version.vaststelling.number,
                "outcome": str(version.vaststelling.get_outcome_display()),
                "points": version.vaststelling.points,
                "max_points": version.vaststelling.max_points,
                "feedback": version.vaststelling.feedback,
                "reason": version.vaststelling.reason,
                "assessors": version.vaststelling.assessor_names,
                "date": _day(version.vaststelling.created_at),
                "scores": [
                    {
                        "criterion": s.criterion_text,
                        "value": s.value,
                        "level": s.level_label,
                        "comment": s.comment,
                        "crucial": s.crucial,
                    }
                    for s in version.scores
                ],
            }
            for version in row.versions
        ]
    kerntaken: list[dict] = []
    stages: Counter = Counter()
    for wp in werkprocessen:
        state = progress[(enrolment.pk, wp.pk)]
        stages[state.stage] += 1
        if not kerntaken or kerntaken[-1]["code"] != wp.kerntaak.code:
            kerntaken.append(
                {"code": wp.kerntaak.code, "title": wp.kerntaak.title, "werkprocessen": []}
            )
        kerntaken[-1]["werkprocessen"].append(
            {
                "code": wp.code,
                "title": wp.title,
                "stage": int(state.stage),
                "state": state.label,
                "evidence": evidence.get(wp.pk, []),
                "sign_offs": sign_offs.get(wp.pk, []),
                "results": results.get(wp.pk, []),
            }
        )
    total = len(werkprocessen)
    bpv = [
        {
            "leerbedrijf": p.leerbedrijf.name,
            "praktijkopleider": p.praktijkopleider.user.display_name,
            "starts_on": _day(p.starts_on),
            "ends_on": _day(p.ends_on),
        }
        for p in BpvPeriode.objects.filter(enrolment=enrolment)
        .select_related("leerbedrijf", "praktijkopleider__user")
        .order_by("starts_on", "id")
    ]
    return {
        "version": REPORT_VERSION,
        "student": {"name": enrolment.student.display_name, "username": enrolment.student.username},
        "qualification": {
            "title": qualification.title,
            "crebo": qualification.crebo,
            "niveau": qualification.niveau,
            "dossier": f"{qualification.dossier.title} ({qualification.dossier.code})",
        },
        "cohort": str(enrolment.cohort) if enrolment.cohort else "",
        "started_on": _day(enrolment.started_on),
        "bpv": bpv,
        "kerntaken": kerntaken,
        "summary": _summary(stages, total),
    }


def _summary(stages: Counter, total: int) -> dict:
    bars = []
    for position, stage in enumerate(Stage):
        count = stages.get(stage, 0)
        bars.append(
            {
                "label": str(STAGE_LABELS[stage]),
                "count": count,
                # Pre-computed for the SVG chart: the template only places the numbers.
                "width": round(300 * count / total) if total else 0,
                "y": 4 + 26 * position,
                "ty": 20 + 26 * position,
                "tx": 130 + (round(300 * count / total) if total else 0) + 8,
            }
        )
    return {"total": total, "bars": bars}


def cohort_enrolments(cohort: Cohort) -> list[Enrolment]:
    return list(
        cohort.enrolments.select_related("student", "qualification").order_by(
            "student__last_name", "student__username", "pk"
        )
    )


def cohort_report_data(*, cohort: Cohort, enrolments: Iterable[Enrolment] | None = None) -> dict:
    given = list(enrolments) if enrolments is not None else None
    enrolments = given if given is not None else cohort_enrolments(cohort)
    # The whole klas enters the progress SQL as a subquery, not as a list of its ids.
    progress = progress_for(enrolments=cohort.enrolments.all() if given is None else given)
    counts: dict[int, Counter] = {e.pk: Counter() for e in enrolments}
    for (enrolment_id, _wp), state in progress.items():
        counts[enrolment_id][state.stage] += 1
    rows = []
    totals: Counter = Counter()
    for e in enrolments:
        c = counts[e.pk]
        totals.update(c)
        rows.append(
            {
                "name": e.student.display_name,
                "username": e.student.username,
                "stages": [c.get(stage, 0) for stage in Stage],
                "total": sum(c.values()),
            }
        )
    return {
        "version": REPORT_VERSION,
        "cohort": str(cohort),
        "qualification": str(cohort.qualification),
        "stage_labels": [str(STAGE_LABELS[s]) for s in Stage],
        "students": rows,
        "summary": _summary(totals, sum(totals.values())),
    }


def fingerprint_of(data: dict) -> str:
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()
