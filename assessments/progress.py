"""How far each student is with each werkproces, computed by the database.

One SQL statement derives the stage of every (enrolment, werkproces) cell where something
happened (every other cell is "no evidence yet"): the current event of each bewijsstuk comes
from one probe into its (bewijsstuk, newest first) index, the current sign-off from a window
function (ROW_NUMBER per subject, newest first: the order of portfolios.events), and a
bewijsstuk counts for every werkproces it is linked to (portfolios.EvidenceLink). Callers
either read those cells (a klas's matrix) or let the database count them per student (the
school overview), so 10 000 students never become 80 000 Python objects.

Portable SQL: PostgreSQL and SQLite (3.25+) both run it. The students are given as a
queryset and enter as a subquery, never as a list of every id.
"""

from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, router
from django.db.models import QuerySet

from organisation.models import Enrolment, User
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


def _latest_event_sql() -> str:
    """The current event of each bewijsstuk of the students in `enr`: the newest by
    (created_at, id), the order of portfolios.events. One probe per bewijsstuk into the
    index on (evidence, created_at DESC, id DESC), so a page of klassen reads its own
    students' events, not every event of the school. A bewijsstuk without events has none.
    (OFFSET 0 keeps PostgreSQL from running the probe twice, for the filter and the value.)"""
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    return f"""SELECT enrolment_id, evidence_id, kind FROM (
    SELECT ev.enrolment_id, ev.id AS evidence_id, (
             SELECT ee.kind FROM {_t(EvidenceEvent)} ee WHERE ee.evidence_id = ev.id
             ORDER BY ee.created_at DESC, ee.id DESC LIMIT 1) AS kind
    FROM {_t(Evidence)} ev JOIN enr ON enr.id = ev.enrolment_id{fence}
  ) latest WHERE kind IS NOT NULL"""  # noqa: S608 - table names only


def _facts_sql(enrolments: QuerySet) -> tuple[str, list]:
    """A WITH ... query whose `facts` relation holds (enrolment_id, werkproces_id, stage,
    outcome) for every cell where something happened: evidence, a sign-off or a
    vaststelling. Every other cell of the kwalificatie is NO_EVIDENCE, so the database never
    has to spell out students x werkprocessen. The caller appends its SELECT.

    The stages are ordered (ASSESSED > SIGNED_OFF > ACCEPTED > SUBMITTED), so a cell's
    stage is the highest that any of its facts reaches: one UNION ALL and one GROUP BY,
    not a join of three sets."""
    try:
        inner, inner_params = enrolments.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # .none(), or a filter on an empty list: no students at all
        inner, inner_params = f"SELECT z.id FROM {_t(Enrolment)} z WHERE 1 = 0", []  # noqa: S608
    # Only table names and stage numbers are formatted in; every value is a parameter.
    sql = f"""
WITH enr(id) AS (
  {inner}
),
ev_latest AS (
  {_latest_event_sql()}
),
so_ranked AS (
  SELECT s.enrolment_id, s.werkproces_id, s.kind, ROW_NUMBER() OVER (
           PARTITION BY s.enrolment_id, s.werkproces_id
           ORDER BY s.created_at DESC, s.id DESC) AS rn
  FROM {_t(SignOffEvent)} s JOIN enr ON enr.id = s.enrolment_id
),
vs_ranked AS (
  SELECT b.enrolment_id, b.werkproces_id, v.outcome, ROW_NUMBER() OVER (
           PARTITION BY b.id ORDER BY v.number DESC) AS rn
  FROM {_t(Vaststelling)} v
  JOIN {_t(Beoordeling)} b ON b.id = v.beoordeling_id
  JOIN enr ON enr.id = b.enrolment_id
),
facts AS (
  SELECT enrolment_id, werkproces_id, MAX(stage) AS stage, MAX(outcome) AS outcome FROM (
    SELECT r.enrolment_id, l.werkproces_id,
           CASE WHEN r.kind = %s THEN {ACCEPTED} ELSE {SUBMITTED} END AS stage,
           '' AS outcome
    FROM ev_latest r JOIN {_t(EvidenceLink)} l ON l.evidence_id = r.evidence_id
    UNION ALL
    SELECT enrolment_id, werkproces_id, {SIGNED_OFF}, ''
    FROM so_ranked WHERE rn = 1 AND kind = %s
    UNION ALL
    SELECT enrolment_id, werkproces_id, {ASSESSED}, outcome FROM vs_ranked WHERE rn = 1
  ) cell
  GROUP BY enrolment_id, werkproces_id
)
"""  # noqa: S608
    params = [*inner_params, EvidenceStatus.ACCEPTED.value, SignOffEvent.Kind.SIGNED.value]
    return sql, params


def _fetch(sql: str, params: list) -> list[tuple]:
    # Where the ORM would read enrolments: the replica on a page marked for it (config.replica).
    with connections[router.db_for_read(Enrolment)].cursor() as cursor:
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


def _cells_at(enrolments, stage: int, select: str, tail: str = "", tail_params=()) -> list[tuple]:
    """`select` over the cells of these students at `stage`, each joined with its student
    and werkproces (for the order), and only the werkprocessen of the student's own
    kwalificatie: the rule of selectors._werkprocessen_by_qualification (the basisdeel and
    the student's own profieldeel)."""
    sql, params = _facts_sql(enrolment_queryset(enrolments))
    sql += f"""SELECT {select}
FROM facts f
JOIN {_t(Enrolment)} e ON e.id = f.enrolment_id
JOIN {_t(User)} u ON u.id = e.student_id
JOIN {_t(Qualification)} q ON q.id = e.qualification_id
JOIN {_t(Werkproces)} w ON w.id = f.werkproces_id
JOIN {_t(Kerntaak)} k ON k.id = w.kerntaak_id
WHERE f.stage = %s AND k.dossier_id = q.dossier_id
  AND (k.part <> %s OR k.qualification_id = q.id) {tail}"""  # noqa: S608 - names only
    return _fetch(sql, [*params, stage, Kerntaak.Part.PROFIELDEEL.value, *tail_params])


def count_cells_at(enrolments, stage: int) -> int:
    """How many (student, werkproces) cells of these students are at `stage`."""
    return _cells_at(enrolments, stage, "COUNT(*)")[0][0]


def cells_at(
    enrolments, stage: int, *, offset: int, limit: int
) -> tuple[list[tuple[int, int]], int | None]:
    """(enrolment id, werkproces id) of the cells at `stage`, by student (sort name) and
    then in dossier order; `limit` of them from `offset`: one page, however many students.
    With it, how many cells there are in all (a window over the same rows, so the progress
    SQL runs once for both), or None when the page is past the last cell."""
    order = """ORDER BY u.sort_name, u.username, e.id, k.position, k.code, w.position, w.code
LIMIT %s OFFSET %s"""
    rows = _cells_at(
        enrolments,
        stage,
        "f.enrolment_id, f.werkproces_id, COUNT(*) OVER ()",
        order,
        [limit, offset],
    )
    return [(enrolment_id, wp_id) for enrolment_id, wp_id, _total in rows], (
        rows[0][2] if rows else None
    )
