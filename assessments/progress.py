"""How far each student is with each werkproces, computed by the database.

One SQL statement derives the stage of every (enrolment, werkproces) cell where something
happened (every other cell is "no evidence yet"): the current event of each bewijsstuk and
of each sign-off comes from a window function (ROW_NUMBER per subject, newest first, the
order of portfolios.events), and a bewijsstuk counts for every werkproces it is linked to
(portfolios.EvidenceLink). Callers either read those cells (a klas's matrix) or let the
database count them per student (the school overview), so 10 000 students never become
80 000 Python objects.

Portable SQL: PostgreSQL and SQLite (3.25+) both run it. The students are given as a
queryset and enter as a subquery, never as a list of every id.
"""

from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from organisation.models import Enrolment
from portfolios.models import (
    Evidence,
    EvidenceEvent,
    EvidenceLink,
    EvidenceStatus,
    SignOffEvent,
)

from .models import Beoordeling, Vaststelling

# Stage numbers, as assessments.selectors.Stage.
NO_EVIDENCE, SUBMITTED, ACCEPTED, SIGNED_OFF, ASSESSED = range(5)


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def enrolment_queryset(enrolments: Iterable[Enrolment] | QuerySet) -> QuerySet[Enrolment]:
    if isinstance(enrolments, QuerySet):
        return enrolments
    return Enrolment.objects.filter(pk__in=[e.pk for e in enrolments])


def _facts_sql(enrolments: QuerySet) -> tuple[str, list]:
    """A WITH ... query whose `facts` relation holds (enrolment_id, cohort_id, werkproces_id,
    stage, outcome) for every cell where something happened: evidence, a sign-off or a
    vaststelling. Every other cell of the kwalificatie is NO_EVIDENCE, so the database never
    has to spell out students x werkprocessen. The caller appends its SELECT."""
    try:
        inner, inner_params = enrolments.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # .none(), or a filter on an empty list: no students at all
        inner, inner_params = f"SELECT z.id FROM {_t(Enrolment)} z WHERE 1 = 0", []  # noqa: S608
    # Only table names and stage numbers are formatted in; every value is a parameter.
    sql = f"""
WITH enr AS (
  SELECT e.id, e.cohort_id FROM {_t(Enrolment)} e WHERE e.id IN ({inner})
),
ev_ranked AS (
  SELECT ev.enrolment_id, ee.evidence_id, ee.kind, ROW_NUMBER() OVER (
           PARTITION BY ee.evidence_id ORDER BY ee.created_at DESC, ee.id DESC) AS rn
  FROM {_t(EvidenceEvent)} ee
  JOIN {_t(Evidence)} ev ON ev.id = ee.evidence_id
  JOIN enr ON enr.id = ev.enrolment_id
),
ev AS (
  SELECT r.enrolment_id, l.werkproces_id,
         MAX(CASE WHEN r.kind = %s THEN {ACCEPTED} ELSE {SUBMITTED} END) AS stage
  FROM ev_ranked r
  JOIN {_t(EvidenceLink)} l ON l.evidence_id = r.evidence_id
  WHERE r.rn = 1
  GROUP BY r.enrolment_id, l.werkproces_id
),
so_ranked AS (
  SELECT s.enrolment_id, s.werkproces_id, s.kind, ROW_NUMBER() OVER (
           PARTITION BY s.enrolment_id, s.werkproces_id
           ORDER BY s.created_at DESC, s.id DESC) AS rn
  FROM {_t(SignOffEvent)} s JOIN enr ON enr.id = s.enrolment_id
),
so AS (
  SELECT enrolment_id, werkproces_id FROM so_ranked WHERE rn = 1 AND kind = %s
),
vs_ranked AS (
  SELECT b.enrolment_id, b.werkproces_id, v.outcome, ROW_NUMBER() OVER (
           PARTITION BY b.id ORDER BY v.number DESC) AS rn
  FROM {_t(Vaststelling)} v
  JOIN {_t(Beoordeling)} b ON b.id = v.beoordeling_id
  JOIN enr ON enr.id = b.enrolment_id
),
vs AS (SELECT enrolment_id, werkproces_id, outcome FROM vs_ranked WHERE rn = 1),
keyed AS (
  SELECT enrolment_id, werkproces_id FROM ev
  UNION SELECT enrolment_id, werkproces_id FROM so
  UNION SELECT enrolment_id, werkproces_id FROM vs
),
facts AS (
  SELECT k.enrolment_id, enr.cohort_id, k.werkproces_id,
         CASE WHEN vs.outcome IS NOT NULL THEN {ASSESSED}
              WHEN so.enrolment_id IS NOT NULL THEN {SIGNED_OFF}
              ELSE COALESCE(ev.stage, {NO_EVIDENCE}) END AS stage,
         COALESCE(vs.outcome, '') AS outcome
  FROM keyed k
  JOIN enr ON enr.id = k.enrolment_id
  LEFT JOIN ev ON ev.enrolment_id = k.enrolment_id AND ev.werkproces_id = k.werkproces_id
  LEFT JOIN so ON so.enrolment_id = k.enrolment_id AND so.werkproces_id = k.werkproces_id
  LEFT JOIN vs ON vs.enrolment_id = k.enrolment_id AND vs.werkproces_id = k.werkproces_id
)
"""  # noqa: S608
    params = [*inner_params, EvidenceStatus.ACCEPTED.value, SignOffEvent.Kind.SIGNED.value]
    return sql, params


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def facts(enrolments) -> list[tuple[int, int, int, str]]:
    """(enrolment id, werkproces id, stage, outcome) of every cell past NO_EVIDENCE."""
    sql, params = _facts_sql(enrolment_queryset(enrolments))
    select = "SELECT enrolment_id, werkproces_id, stage, outcome FROM facts"
    return _fetch(sql + select, params)


def stage_counts(enrolments) -> list[tuple[int, int, int]]:
    """(enrolment id, stage, cells) for every stage past NO_EVIDENCE that a student has:
    the database counts; students with nothing yet have no row."""
    sql, params = _facts_sql(enrolment_queryset(enrolments))
    select = "SELECT enrolment_id, stage, COUNT(*) FROM facts GROUP BY enrolment_id, stage"
    return _fetch(sql + select, params)
