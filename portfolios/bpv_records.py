"""The exam records a BPV-periode holds: what its praktijkopleider signed off, reviewed or
marked (not) feasible for that student within the periode. Registered with organisation
(apps.py), which refuses to delete such a periode or to move its records out of it."""

import datetime

from django.db.models import Max, Min
from django.utils import timezone

from organisation.bpv_services import RecordSpan, bpv_window
from organisation.models import BpvPeriode

from .models import EvidenceEvent, FeasibilityEvent, SignOffEvent


def bpv_records_span(periode: BpvPeriode) -> RecordSpan:
    start, end = bpv_window(periode)
    window = {"created_at__date__gte": start}
    if end is not None:
        window["created_at__date__lte"] = end
    by = periode.praktijkopleider.user_id
    querysets = [
        SignOffEvent.objects.filter(enrolment_id=periode.enrolment_id, actor_id=by),
        FeasibilityEvent.objects.filter(enrolment_id=periode.enrolment_id, actor_id=by),
        EvidenceEvent.objects.filter(evidence__enrolment_id=periode.enrolment_id, actor_id=by),
    ]
    firsts: list[datetime.date] = []
    lasts: list[datetime.date] = []
    for qs in querysets:
        span = qs.filter(**window).aggregate(first=Min("created_at"), last=Max("created_at"))
        if span["first"] is not None:
            firsts.append(span["first"])
            lasts.append(span["last"])
    if not firsts:
        return None
    return _local_date(min(firsts)), _local_date(max(lasts))


def _local_date(value) -> datetime.date:
    return timezone.localdate(value)
