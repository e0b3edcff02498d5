"""What a report shows, gathered once as plain data, and who may ask for it.

The same data feeds the fingerprint (equal data, equal PDF: the request reuses it) and the
template, so the PDF can never show something the fingerprint did not cover.

Access follows assessments.permissions.result_enrolments: a report holds final scores, so it
is for those who may read results (the student, the klas's mentor, its assessors). Anyone
else gets 404.
"""

import datetime
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from PIL import Image

from assessments.permissions import result_enrolments
from assessments.planning import behind_reason, current_bpv
from assessments.selectors import STAGE_LABELS, Stage, own_results, progress_for, progress_of
from organisation.models import BpvPeriode, Cohort, Enrolment
from organisation.permissions import visible_cohorts
from portfolios.models import (
    Evidence,
    EvidenceEvent,
    EvidenceStatus,
    EvidenceVersion,
    EvidenceVersionLink,
    FeasibilityEvent,
    SignOffEvent,
)
from portfolios.selectors import with_status
from qualifications.selectors import werkprocessen_of

from .models import ReportJob

# What a report reads of an enrolment: select_related() these and no query is spent on them.
REPORT_RELATED = ("student", "qualification__dossier", "cohort__school")
# Bump when the template changes what a report shows: old PDFs are then not reused.
REPORT_VERSION = "2"


# --- Access ---------------------------------------------------------------------------------


def report_enrolments(user) -> QuerySet[Enrolment]:
    return result_enrolments(user)


def get_report_enrolment_for_user(user, pk: int) -> Enrolment:
    try:
        return report_enrolments(user).select_related("student", "qualification").get(pk=pk)
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc


def export_enrolments(user) -> QuerySet[Enrolment]:
    """Whose portfolio export this user may ask for: a student their own, a beheerder any."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    if user.is_beheerder:
        return Enrolment.objects.all()
    return Enrolment.objects.filter(student=user)


def get_export_enrolment_for_user(user, pk: int) -> Enrolment:
    try:
        return export_enrolments(user).select_related("student").get(pk=pk)
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc


def visible_jobs(user) -> QuerySet[ReportJob]:
    if not user.is_authenticated:
        return ReportJob.objects.none()
    reports = Q(enrolment__in=report_enrolments(user)) | Q(cohort__in=visible_cohorts(user))
    # An export holds drafts and every file: only for whom export_enrolments allows, not for
    # everyone who may read the student's results.
    return ReportJob.objects.filter(
        (~Q(kind=ReportJob.Kind.EXPORT) & reports)
        | Q(kind=ReportJob.Kind.EXPORT, enrolment__in=export_enrolments(user))
    )


def get_job_for_user(user, pk: int) -> ReportJob:
    try:
        return visible_jobs(user).select_related("enrolment__student", "cohort").get(pk=pk)
    except ReportJob.DoesNotExist as exc:
        raise Http404 from exc


JOBS_SHOWN = 20  # the newest requests only: a report is made again in seconds when needed


def jobs_for(*, user) -> list[ReportJob]:
    return list(
        visible_jobs(user)
        .filter(requested_by=user, parent__isnull=True)
        .select_related("enrolment__student", "cohort")[:JOBS_SHOWN]
    )


def student_names(student) -> dict:
    """How a report names a student; also the name of their PDF in a klas report's ZIP."""
    return {
        "name": student.display_name,
        "sort_name": ", ".join(n for n in [student.last_name, student.first_name] if n),
        # Bekwaam's login name is the student number the school's records use (the
        # student import takes it from the same column).
        "number": student.username,
    }


# --- Report data ----------------------------------------------------------------------------


def _local(value):
    # Dates and datetimes stay objects: the template prints them with the active locale's
    # DATE_FORMAT (Dutch), and the fingerprint serialises them with str().
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value)
    return value


def _school(cohort: Cohort | None) -> dict:
    school = cohort.school if cohort is not None else None
    if school is None:
        return {"name": "", "brin": "", "logo": ""}
    return {"name": school.name, "brin": school.brin, "logo": school.logo.name or ""}


# Anchors a report's URLs for fetcher.py (RFC 2606: never resolves; not kept there, which loads
# WeasyPrint). The logo's one URL: the fetcher hands over the bytes read here, never a path.
BASE_URL = "https://report.bekwaam.invalid/"
LOGO_URL = BASE_URL + "school-logo"
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


def school_logo(data: dict) -> tuple[bytes, str] | None:
    """The logo of the report's school as (bytes, MIME type), if it is a PNG or JPEG."""
    name = data.get("school", {}).get("logo")
    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as fh:
        body = fh.read(5_000_000)
    try:
        with Image.open(io.BytesIO(body)) as image:
            kind = image.format
            image.verify()
    except (OSError, SyntaxError, ValueError):  # Pillow's ways of saying "not an image"
        return None
    return (body, LOGO_TYPES[kind]) if kind in LOGO_TYPES else None


def _versions(versions) -> list[dict]:
    """Current beoordeling first; each earlier version marked as replaced, with the reason
    and date of the correction that replaced it."""
    rows = []
    for index, version in enumerate(versions):
        v = version.vaststelling
        successor = versions[index + 1].vaststelling if index + 1 < len(versions) else None
        rows.append(
            {
                "number": v.number,
                "outcome": str(v.get_outcome_display()),
                "points": v.points,
                "max_points": v.max_points,
                "feedback": v.feedback,
                "assessors": v.assessor_names,
                "date": _local(v.created_at),
                "replaced": successor is not None,
                "replaced_on": _local(successor.created_at) if successor else None,
                "replaced_reason": successor.reason if successor else "",
                "scores": [
                    {
                        "criterion": s.criterion_text,
                        "value": s.value,
                        "level": s.level_label,
                        "comment": s.comment,
                        "crucial": s.crucial,
                        "passing": s.passing,
                    }
                    for s in version.scores
                ],
            }
        )
    return rows[::-1]


def student_report_data(*, enrolment: Enrolment) -> dict:
    """Everything one student's report shows, as JSON-able data.

    Evidence is what was submitted (drafts are the student's own business); results are
    what the student may read (own_results), so the report never shows more than that."""
    cache = enrolment._state.fields_cache
    cohort_ok = enrolment.cohort_id is None or (
        "cohort" in cache and "school" in enrolment.cohort._state.fields_cache
    )
    if not ({"student", "qualification"} <= cache.keys() and cohort_ok) or (
        "dossier" not in enrolment.qualification._state.fields_cache
    ):
        enrolment = Enrolment.objects.select_related(*REPORT_RELATED).get(pk=enrolment.pk)
    qualification = enrolment.qualification
    cohort = enrolment.cohort
    werkprocessen = list(
        werkprocessen_of(qualification)
        .select_related("kerntaak")
        .order_by("kerntaak__position", "kerntaak__code", "position", "code")
    )
    progress = progress_of(enrolment=enrolment, werkprocessen=werkprocessen)
    evidence: dict[int, list[dict]] = {}
    # Submitted bewijs under every werkproces its latest version was linked to: one query
    # for the links of each bewijsstuk's latest version, with the bewijsstuk's status.
    latest = (
        EvidenceVersion.objects.filter(evidence=OuterRef("version__evidence"))
        .order_by("-number")
        .values("number")[:1]
    )
    links = (
        EvidenceVersionLink.objects.filter(version__evidence__enrolment=enrolment)
        .annotate(
            status=EvidenceEvent.objects.current_value(
                "kind", evidence=OuterRef("version__evidence")
            ),
            latest=Subquery(latest),
        )
        .filter(status__isnull=False, version__number=F("latest"))
        .order_by("version__evidence__date", "version__evidence_id", "id")
        .values_list(
            "werkproces_id", "version__title", "version__date", "version__number", "status"
        )
    )
    for werkproces_id, title, date, number, status in links:
        evidence.setdefault(werkproces_id, []).append(
            {
                "title": title,
                "date": date,
                "status": str(EvidenceStatus(status).label),
                "version": number,
            }
        )
    sign_offs: dict[int, list[dict]] = {}
    for event in SignOffEvent.objects.filter(enrolment=enrolment).order_by("created_at", "id"):
        sign_offs.setdefault(event.werkproces_id, []).append(
            {
                "kind": str(event.get_kind_display()),
                "signed": event.kind == SignOffEvent.Kind.SIGNED,
                "name": event.actor_name,
                "date": _local(event.created_at),
                "reason": event.reason,
                "without_evidence": event.without_evidence,
            }
        )
    feasibility: dict[int, FeasibilityEvent] = {}
    for event in (
        FeasibilityEvent.objects.filter(enrolment=enrolment)
        .select_related("leerbedrijf")
        .order_by("created_at", "id")
    ):
        feasibility[event.werkproces_id] = event  # the latest event says how it stands
    results = {
        row.werkproces.pk: _versions(row.versions) for row in own_results(enrolment=enrolment)
    }
    kerntaken: list[dict] = []
    stages: Counter = Counter()
    not_feasible = 0
    for wp in werkprocessen:
        state = progress[wp.pk]
        stages[state.stage] += 1
        if not kerntaken or kerntaken[-1]["code"] != wp.kerntaak.code:
            kerntaken.append(
                {"code": wp.kerntaak.code, "title": wp.kerntaak.title, "werkprocessen": []}
            )
        event = feasibility.get(wp.pk)
        blocked = None
        if event is not None and event.kind == FeasibilityEvent.Kind.NOT_FEASIBLE:
            not_feasible += 1
            blocked = {
                "leerbedrijf": event.leerbedrijf.name,
                "reason": event.reason,
                "name": event.actor_name,
                "date": _local(event.created_at),
            }
        kerntaken[-1]["werkprocessen"].append(
            {
                "code": wp.code,
                "title": wp.title,
                "stage": int(state.stage),
                "state": state.label,
                "not_feasible": blocked,
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
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
        }
        for p in BpvPeriode.objects.filter(enrolment=enrolment)
        .select_related("leerbedrijf", "praktijkopleider__user")
        .order_by("starts_on", "id")
    ]
    # The praktijkopleider who signs: of the BPV-periode under way (else the latest started).
    today = timezone.localdate()
    started = [p for p in bpv if p["starts_on"] <= today] or bpv
    current = next(
        (p for p in reversed(started) if p["ends_on"] is None or p["ends_on"] >= today),
        started[-1] if started else None,
    )
    mentors = (
        [m.display_name for m in cohort.mentors.order_by("sort_name", "username")] if cohort else []
    )
    student = enrolment.student
    return {
        "version": REPORT_VERSION,
        "school": _school(cohort),
        "student": student_names(student),
        "qualification": {
            "title": qualification.title,
            "crebo": qualification.crebo,
            "niveau": qualification.niveau,
            "dossier": f"{qualification.dossier.title} ({qualification.dossier.code})",
        },
        "cohort": str(cohort) if cohort else "",
        "mentors": mentors,
        "started_on": enrolment.started_on,
        "bpv": bpv,
        "praktijkopleider": current["praktijkopleider"] if current else "",
        "kerntaken": kerntaken,
        "summary": _summary(stages, total),
        "conclusion": _conclusion(stages, total, not_feasible),
    }


def _conclusion(stages: Counter, total: int, not_feasible: int) -> dict:
    assessed = stages.get(Stage.ASSESSED, 0)
    signed = stages.get(Stage.SIGNED_OFF, 0)
    return {
        "total": total,
        "assessed": assessed,
        "signed_off": signed,
        "in_progress": stages.get(Stage.SUBMITTED, 0) + stages.get(Stage.ACCEPTED, 0),
        "open": stages.get(Stage.NO_EVIDENCE, 0),
        "not_feasible": not_feasible,
        "complete": bool(total) and assessed == total,
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
            "student__sort_name", "student__username", "pk"
        )
    )


# The klas summary flags bewijs waiting longer than this for a review (as the dashboard does
# by default), so the mentor can chase it up.
REVIEW_DAYS = 7


def _cohort_signals(enrolment_ids: list[int], today: datetime.date) -> dict[int, list[dict]]:
    signals: dict[int, list[dict]] = {pk: [] for pk in enrolment_ids}
    # The current feasibility of each (student, werkproces): the latest event wins.
    not_feasible = (
        FeasibilityEvent.objects.filter(enrolment_id__in=enrolment_ids)
        .current("enrolment_id", "werkproces_id")
        .filter(kind=FeasibilityEvent.Kind.NOT_FEASIBLE)
        .select_related("leerbedrijf", "werkproces")
        .order_by("enrolment_id", "werkproces_id")
    )
    for event in not_feasible:
        signals[event.enrolment_id].append(
            {
                "kind": "not_feasible",
                "code": event.werkproces.code,
                "leerbedrijf": event.leerbedrijf.name,
                "reason": event.reason,
            }
        )
    cutoff = timezone.now() - datetime.timedelta(days=REVIEW_DAYS)
    waiting = (
        with_status(Evidence.objects.filter(enrolment_id__in=enrolment_ids))
        .filter(last_kind=EvidenceStatus.SUBMITTED, last_event_at__lt=cutoff)
        .order_by("last_event_at", "pk")
        .values_list("enrolment_id", "werkproces__code", "last_event_at")
    )
    for enrolment_id, code, at in waiting:
        days = (today - timezone.localdate(at)).days
        signals[enrolment_id].append({"kind": "waiting", "code": code, "days": days})
    return signals


def cohort_report_data(*, cohort: Cohort, enrolments: Iterable[Enrolment] | None = None) -> dict:
    """The klas on one landscape page: per student and kerntaak how many werkprocessen are
    done (afgetekend or beoordeeld) of how many, how many are under way, and the signals."""
    given = list(enrolments) if enrolments is not None else None
    enrolments = given if given is not None else cohort_enrolments(cohort)
    today = timezone.localdate()
    # The whole klas enters the progress SQL as a subquery, not as a list of its ids.
    progress = progress_for(enrolments=cohort.enrolments.all() if given is None else given)
    werkprocessen = list(
        werkprocessen_of(cohort.qualification)
        .select_related("kerntaak")
        .order_by("kerntaak__position", "kerntaak__code", "position", "code")
    )
    kerntaken: list[dict] = []
    column_of: dict[int, int] = {}
    for wp in werkprocessen:
        if not kerntaken or kerntaken[-1]["code"] != wp.kerntaak.code:
            kerntaken.append({"code": wp.kerntaak.code, "title": wp.kerntaak.title, "total": 0})
        kerntaken[-1]["total"] += 1
        column_of[wp.pk] = len(kerntaken) - 1
    signals = _cohort_signals([e.pk for e in enrolments], today)
    # The one planning rule (assessments.planning), as the klas dashboard applies it.
    bpvs = current_bpv(cohort.enrolments.all() if given is None else given, today)
    rows = []
    totals: Counter = Counter()
    for e in enrolments:
        stages: Counter = Counter()
        cells = [{"done": 0, "busy": 0, "total": k["total"]} for k in kerntaken]
        for wp in werkprocessen:
            state = progress.get((e.pk, wp.pk))
            if state is None:
                continue
            stages[state.stage] += 1
            cell = cells[column_of[wp.pk]]
            if state.stage >= Stage.SIGNED_OFF:
                cell["done"] += 1
            elif state.stage >= Stage.SUBMITTED:
                cell["busy"] += 1
        totals.update(stages)
        done = sum(c["done"] for c in cells)
        _expected, behind = behind_reason(
            done=done, total=len(werkprocessen), bpv=bpvs.get(e.pk), today=today
        )
        if behind:
            signals[e.pk].insert(0, {"kind": "behind", "text": behind})
        student = e.student
        rows.append(
            {
                "name": student.display_name,
                "sort_name": ", ".join(n for n in [student.last_name, student.first_name] if n),
                "number": student.username,
                "cells": cells,
                "done": done,
                "total": len(werkprocessen),
                "signals": signals[e.pk],
            }
        )
    return {
        "version": REPORT_VERSION,
        "school": _school(cohort),
        "cohort": str(cohort),
        "qualification": {
            "title": cohort.qualification.title,
            "crebo": cohort.qualification.crebo,
            "niveau": cohort.qualification.niveau,
        },
        "mentors": [m.display_name for m in cohort.mentors.order_by("sort_name", "username")],
        "kerntaken": kerntaken,
        "students": rows,
        "summary": _summary(totals, sum(totals.values())),
        "review_days": REVIEW_DAYS,
        "today": today,
    }


def fingerprint_of(data: dict) -> str:
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()
