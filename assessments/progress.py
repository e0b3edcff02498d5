"""How far each student is with each werkproces, computed by the database.

One SQL statement derives the stage of every (enrolment, werkproces) cell of the students'
kwalificaties: the current event of each bewijsstuk and of each sign-off come from a window
function (ROW_NUMBER per subject, newest first, the same order as portfolios.events), and a
bewijsstuk counts for every werkproces it is linked to (portfolios.EvidenceLink). Callers
either read the cells (a klas's matrix) or let the database count them (the school overview),
so 10 000 students never become 80 000 Python objects.

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
from qualifications.models import Kerntaak, Qualification, Werkproces

from .models import Beoordeling, Vaststelling

# Stage numbers, as assessments.selectors.Stage.
NO_EVIDENCE, SUBMITTED, ACCEPTED, SIGNED_OFF, ASSESSED = range(5)


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def enrolment_queryset(enrolments: Iterable[Enrolment] | QuerySet) -> QuerySet[Enrolment]:
    if isinstance(enrolments, QuerySet):
        return enrolments
    return Enrolment.objects.filter(pk__in=[e.pk for e in enrolments])


def _stages_sql(enrolments: QuerySet) -> tuple[str, list]:
    """A WITH ... query whose `stages` relation holds (enrolment_id, cohort_id,
    werkproces_id, stage, outcome) for every cell; the caller appends its SELECT."""
    try:
        inner, inner_params = enrolments.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # .none(), or a filter on an empty list: no students at all
        inner, inner_params = "SELECT NULL WHERE 1 = 0", []
    enrolment = _t(Enrolment)
    # Only table names and stage numbers are formatted in; every value is a parameter.
    sql = f"""
WITH enr AS (
  SELECT e.id, e.qualification_id, e.cohort_id FROM {enrolment} e WHERE e.id IN ({inner})
),
cells AS (
  SELECT enr.id AS enrolment_id, enr.cohort_id, w.id AS werkproces_id
  FROM enr
  JOIN {_t(Qualification)} q ON q.id = enr.qualification_id
  JOIN {_t(Kerntaak)} k ON k.dossier_id = q.dossier_id
       AND (k.part <> %s OR k.qualification_id = q.id)
  JOIN {_t(Werkproces)} w ON w.kerntaak_id = k.id
),
ev_ranked AS (
  SELECT ee.evidence_id, ee.kind, ROW_NUMBER() OVER (
           PARTITION BY ee.evidence_id ORDER BY ee.created_at DESC, ee.id DESC) AS rn
  FROM {_t(EvidenceEvent)} ee
  JOIN {_t(Evidence)} ev ON ev.id = ee.evidence_id
  JOIN enr ON enr.id = ev.enrolment_id
),
ev AS (
  SELECT ev.enrolment_id, l.werkproces_id,
         MAX(CASE WHEN r.kind = %s THEN {ACCEPTED} ELSE {SUBMITTED} END) AS stage
  FROM ev_ranked r
  JOIN {_t(Evidence)} ev ON ev.id = r.evidence_id
  JOIN {_t(EvidenceLink)} l ON l.evidence_id = ev.id
  WHERE r.rn = 1
  GROUP BY ev.enrolment_id, l.werkproces_id
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
stages AS (
  SELECT c.enrolment_id, c.cohort_id, c.werkproces_id,
         CASE WHEN vs.outcome IS NOT NULL THEN {ASSESSED}
              WHEN so.enrolment_id IS NOT NULL THEN {SIGNED_OFF}
              ELSE COALESCE(ev.stage, {NO_EVIDENCE}) END AS stage,
         COALESCE(vs.outcome, '') AS outcome
  FROM cells c
  LEFT JOIN ev ON ev.enrolment_id = c.enrolment_id AND ev.werkproces_id = c.werkproces_id
  LEFT JOIN so ON so.enrolment_id = c.enrolment_id AND so.werkproces_id = c.werkproces_id
  LEFT JOIN vs ON vs.enrolment_id = c.enrolment_id AND vs.werkproces_id = c.werkproces_id
)
"""  # noqa: S608
    params = [
        *inner_params,
        Kerntaak.Part.PROFIELDEEL.value,
        EvidenceStatus.ACCEPTED.value,
        SignOffEvent.Kind.SIGNED.value,
    ]
    return sql, params


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def cells(enrolments) -> list[tuple[int, int, int, str]]:
    """(enrolment id, werkproces id, stage, outcome) for every cell: one query."""
    sql, params = _stages_sql(enrolment_queryset(enrolments))
    return _fetch(
        sql + "SELECT enrolment_id, werkproces_id, stage, outcome FROM stages",  # noqa: S608
        params,
    )


def per_enrolment_counts(enrolments) -> list[tuple]:
    """(enrolment id, cohort id, cells, cells at stage 0, 1, 2, 3, 4) per student: the
    database counts, one query and one row per student."""
    sql, params = _stages_sql(enrolment_queryset(enrolments))
    counts = ", ".join(
        f"COALESCE(SUM(CASE WHEN st.stage = {s} THEN 1 ELSE 0 END), 0)"
        for s in range(NO_EVIDENCE, ASSESSED + 1)
    )
    select = (
        f"SELECT enr.id, enr.cohort_id, COUNT(st.werkproces_id), {counts} FROM enr "  # noqa: S608
        "LEFT JOIN stages st ON st.enrolment_id = enr.id GROUP BY enr.id, enr.cohort_id"
    )
    return _fetch(sql + select, params)
