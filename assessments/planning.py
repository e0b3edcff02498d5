"""The planning rule: is a student behind ("achter op planning")? One rule for the klas
dashboard, the school overview (dashboards) and the klas summary report (reports), which
may not import each other, so it lives here, below both.

Expected by today: the elapsed share of the student's current BPV-periode (the latest
started one still running; an open-ended one runs to the end of the school year; without
one, the school year itself) times the werkprocessen. Behind: signed off (or better) trails
that by more than BEHIND_MARGIN of the werkprocessen, and by at least one.
"""

import datetime

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisation.models import BpvPeriode, Enrolment
from organisation.permissions import acting_bpv_q

# Behind schedule when the signed-off share trails the elapsed share by more than this
# fraction of the werkprocessen (and by at least one werkproces): a week's slack is normal.
BEHIND_MARGIN = 0.1


def school_year(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start_year = today.year if today.month >= 9 else today.year - 1
    return datetime.date(start_year, 9, 1), datetime.date(start_year + 1, 7, 1)


def elapsed_fraction(start: datetime.date, end: datetime.date, today: datetime.date) -> float:
    if end <= start:
        return 1.0
    return min(max((today - start).days / (end - start).days, 0.0), 1.0)


def current_bpvs(enrolments: QuerySet[Enrolment], today: datetime.date) -> QuerySet:
    """Each student's current BPV-periode (the latest started one still running, by the one
    rule organisation.permissions.bpv_access): one row per student, by a window function."""
    return (
        BpvPeriode.objects.filter(acting_bpv_q(today), enrolment__in=enrolments)
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("enrolment_id")],
                order_by=[F("starts_on").desc(), F("id").desc()],
            )
        )
        .filter(newest=1)
    )


def current_bpv(enrolments: QuerySet[Enrolment], today: datetime.date) -> dict[int, BpvPeriode]:
    return {
        bpv.enrolment_id: bpv
        for bpv in current_bpvs(enrolments, today).select_related("leerbedrijf")
    }


def planning(
    start: datetime.date | None, end: datetime.date | None, total: int, today: datetime.date
) -> tuple[datetime.date, datetime.date, float, float]:
    """(start, end, elapsed fraction, werkprocessen expected signed off by today)."""
    if start is None:
        start, end = school_year(today)
    else:
        end = end or school_year(today)[1]
    fraction = elapsed_fraction(start, end, today)
    return start, end, fraction, fraction * total


def is_behind(done: int, total: int, expected: float) -> bool:
    margin = max(1.0, BEHIND_MARGIN * total)
    return bool(total) and done + margin < expected


def behind_reason(
    *, done: int, total: int, bpv: BpvPeriode | None, today: datetime.date
) -> tuple[float, str]:
    """(werkprocessen expected by today, why the student is behind, or "" when not)."""
    start, end, fraction, expected = planning(
        bpv.starts_on if bpv else None, bpv.ends_on if bpv else None, total, today
    )
    if not is_behind(done, total, expected):
        return expected, ""
    if bpv is not None:
        period = _("de BPV-periode bij %(bedrijf)s") % {"bedrijf": bpv.leerbedrijf.name}
    else:
        period = _("het schooljaar")
    return expected, _(
        "%(done)d van %(total)d werkprocessen afgetekend; verwacht rond %(expected)d: "
        "%(percent)d%% van %(period)s (%(start)s – %(end)s) is voorbij."
    ) % {
        "done": done,
        "total": total,
        "expected": round(expected),
        "percent": round(100 * fraction),
        "period": period,
        "start": date_format(start),
        "end": date_format(end),
    }
