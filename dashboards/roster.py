"""Everything the klas dashboard reads once per student, in one query: the names, the
current BPV-periode and the last activity.

A klas of 3 000 students would otherwise cost three queries of 3 000 rows each, joined in
Python, and the last activity would arrive as 2 400 timestamps (psycopg parses those in
Python, not C). Each part is still the queryset that states its rule (the current
BPV-periode comes from assessments.planning, the activity is as it always was); this module
only joins them, as derived tables, and hands back plain tuples.

The last activity comes as what the dashboard uses: the local date (Europe/Amsterdam, for
"geen activiteit sinds" and the export) and its rank in the klas (equal moments share a
rank), to sort by without carrying the moment itself.
"""

import datetime

from django.db import connection, connections, router
from django.db.models import F, Max, QuerySet, Window
from django.db.models.functions import Coalesce, DenseRank, Greatest, TruncDate

from assessments.planning import current_bpvs
from organisation.models import Cohort, Enrolment
from portfolios.models import Evidence

# (enrolment id, username, first name, last name, sort name, BPV starts on, BPV ends on,
#  leerbedrijf id, leerbedrijf name, last active on, activity rank); the BPV columns are
#  None without a current BPV-periode, the activity ones (rank 0) without any bewijsstuk.
Roster = list[tuple]


def _activity(enrolments: QuerySet) -> QuerySet:
    """The latest thing that happened in each portfolio: a bewijsstuk made or an event. One
    row per student with a bewijsstuk (an event never precedes its bewijsstuk, so a
    bewijsstuk without events counts by when it was made)."""
    made = Max("created_at")
    at = Greatest(made, Coalesce(Max("events__created_at"), made))
    return (
        Evidence.objects.filter(enrolment__in=enrolments)
        .order_by()
        .values("enrolment_id")
        .annotate(
            # The local date: TruncDate takes the current time zone, as localtime() does.
            active_on=TruncDate(at),
            activity_rank=Window(DenseRank(), order_by=at.asc()),
        )
        .values("enrolment_id", "active_on", "activity_rank")
    )


def _date(value) -> datetime.date | None:
    # SQLite hands dates back as text from a derived table (it keeps no column type there).
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def roster(cohort: Cohort, today: datetime.date) -> Roster:
    enrolments = Enrolment.objects.filter(cohort=cohort).values("pk")
    names = (
        Enrolment.objects.filter(cohort=cohort)
        .order_by()
        .annotate(
            r_username=F("student__username"),
            r_first_name=F("student__first_name"),
            r_last_name=F("student__last_name"),
            r_sort_name=F("student__sort_name"),
        )
        .values("pk", "r_username", "r_first_name", "r_last_name", "r_sort_name")
    )
    bpvs = (
        current_bpvs(enrolments, today)
        .order_by()
        .annotate(bpv_enrolment=F("enrolment_id"), bedrijf_name=F("leerbedrijf__name"))
        .values("bpv_enrolment", "starts_on", "ends_on", "leerbedrijf_id", "bedrijf_name")
    )
    names_sql, names_params = names.query.sql_with_params()
    bpv_sql, bpv_params = bpvs.query.sql_with_params()
    activity_sql, activity_params = _activity(enrolments).query.sql_with_params()
    # Only the aliases chosen above are written here; every value is a parameter.
    sql = f"""SELECT n.pk, n.r_username, n.r_first_name, n.r_last_name, n.r_sort_name,
       b.starts_on, b.ends_on, b.leerbedrijf_id, b.bedrijf_name,
       a.active_on, COALESCE(a.activity_rank, 0)
FROM ({names_sql}) n
LEFT JOIN ({bpv_sql}) b ON b.bpv_enrolment = n.pk
LEFT JOIN ({activity_sql}) a ON a.enrolment_id = n.pk"""  # noqa: S608
    # Where the ORM would read enrolments: the replica on a page marked for it (config.replica).
    with connections[router.db_for_read(Enrolment)].cursor() as cursor:
        cursor.execute(sql, [*names_params, *bpv_params, *activity_params])
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        rows = [(*r[:5], _date(r[5]), _date(r[6]), *r[7:9], _date(r[9]), r[10]) for r in rows]
    return rows
