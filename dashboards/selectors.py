"""The teachers' cohort dashboard: who is where, and who needs a nudge.

Reads only, scoped to the user: a docent sees the klassen they mentor, a beheerder (or
superuser) every klas. Progress comes from assessments.progress, the one place that decides
how far a student is; this module adds planning, activity and signals.

A page costs the same number of queries for 10 or 1000 students: everything per student is
read once for the whole klas and joined in Python.

Progress comes from the database (assessments.progress): the school overview never sees a
cell, only counts per student, and is paged by klas; the klas matrix reads its cells, and
every row its names, BPV-periode and activity in one query (dashboards.roster), as plain
tuples: no model instance per student.

It stays whole: the planning rule, activity and signals all feed the one klas table and the
school overview, and read best side by side.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The planning rule lives in assessments.planning: the klas summary report uses it too.
from assessments.planning import (  # noqa: F401 (school_year, elapsed_fraction: still read from here)
    behind_reason,
    elapsed_fraction,
    is_behind,
    school_year,
)
from assessments.planning import current_bpvs as _current_bpvs
from assessments.planning import planning as _planning
from assessments.progress import ASSESSED, SIGNED_OFF, stage_counts
from assessments.progress import facts as progress_facts
from assessments.selectors import (
    STAGE_LABELS,
    ProgressState,
    Stage,
    werkproces_counts,
)
from config.links import fill, open_url
from organisation.models import Cohort, Enrolment, Leerbedrijf, User
from organisation.permissions import visible_cohorts
from portfolios.models import EvidenceEvent, FeasibilityEvent
from qualifications.models import Werkproces
from qualifications.selectors import werkprocessen_of

from .roster import roster

DEFAULT_REVIEW_DAYS = 7

ICONS = {
    Stage.NO_EVIDENCE: "○",
    Stage.SUBMITTED: "◔",
    Stage.ACCEPTED: "◑",
    Stage.SIGNED_OFF: "●",
    Stage.ASSESSED: "★",
}
SHORT_LABELS = {
    Stage.NO_EVIDENCE: gettext_lazy("geen"),
    Stage.SUBMITTED: gettext_lazy("ingediend"),
    Stage.ACCEPTED: gettext_lazy("goedgekeurd"),
    Stage.SIGNED_OFF: gettext_lazy("afgetekend"),
    Stage.ASSESSED: gettext_lazy("beoordeeld"),
}


NOTHING = ProgressState(Stage.NO_EVIDENCE)


# --- Access ----------------------------------------------------------------------------------


def can_open_portfolios(user) -> bool:
    # Only mentors may read portfolios (permissions.visible_enrolments); beheerders see the
    # numbers but no links that would 404.
    return user.is_authenticated and user.role == User.Role.DOCENT


# --- Filters ---------------------------------------------------------------------------------


SORTS = {
    "naam": gettext_lazy("Naam"),
    "voortgang": gettext_lazy("Voortgang (laagste eerst)"),
    "voortgang-aflopend": gettext_lazy("Voortgang (hoogste eerst)"),
    "activiteit": gettext_lazy("Laatste activiteit (oudste eerst)"),
}


# The signal kinds a matrix can be filtered to (?signaal=...), besides ?achter=1.
SIGNAL_FILTERS = {"wacht": "waiting", "niet-uitvoerbaar": "not_feasible"}


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


@dataclass
class Filters:
    leerbedrijf: int | None = None
    state: int | None = None
    inactive_days: int | None = None
    behind: bool = False
    review_days: int = DEFAULT_REVIEW_DAYS
    sort: str = "naam"
    # Only the students with this signal ("wacht" or "niet-uitvoerbaar"; "achter op
    # planning" is `behind`): where a signal card's "show all" link leads.
    signal: str | None = None

    @classmethod
    def from_query(cls, query) -> "Filters":
        state = _int(query.get("status"))
        return cls(
            leerbedrijf=_int(query.get("leerbedrijf")),
            state=state if state is not None and state in Stage._value2member_map_ else None,
            inactive_days=_int(query.get("inactief")),
            behind=query.get("achter") == "1",
            review_days=_int(query.get("wacht")) or DEFAULT_REVIEW_DAYS,
            sort=query.get("sorteer") if query.get("sorteer") in SORTS else "naam",
            signal=query.get("signaal") if query.get("signaal") in SIGNAL_FILTERS else None,
        )


# --- The matrix ------------------------------------------------------------------------------


def short_label(state: ProgressState) -> str:
    """The word in a matrix cell: the outcome once assessed, else the stage in brief."""
    if state.stage == Stage.ASSESSED and state.outcome:
        return state.outcome
    return str(SHORT_LABELS[state.stage])


@dataclass(frozen=True, slots=True)
class StudentRef:
    """The student of a row: names only, read as plain values. A klas of 3 000 would cost
    more in model instances (Enrolment and User) than in the rest of the page."""

    username: str
    first_name: str
    last_name: str
    # Dutch order (organisation.names): achternaam without tussenvoegsel, accents folded.
    sort_name: str = ""

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        # As User.display_name.
        return self.get_full_name() or self.username


@dataclass(frozen=True, slots=True)
class EnrolmentRef:
    """A row's enrolment as plain values; equal to the Enrolment with the same pk."""

    pk: int
    student: StudentRef

    def __eq__(self, other) -> bool:
        if isinstance(other, EnrolmentRef | Enrolment):
            return other.pk == self.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)


@dataclass(frozen=True, slots=True)
class CurrentBpv:
    """A student's current BPV-periode, as far as the dashboard needs it."""

    starts_on: datetime.date
    ends_on: datetime.date | None
    leerbedrijf: Leerbedrijf

    @property
    def leerbedrijf_id(self) -> int:
        return self.leerbedrijf.pk


@dataclass(slots=True)
class StudentRow:
    enrolment: EnrolmentRef
    # In the order of the klas's werkprocessen. A tuple shared by every student with the same
    # progress (a klas of 3 000 has a few hundred patterns at most): fewer objects per
    # request, and the column counts add up patterns, not cells.
    cells: tuple[ProgressState, ...]
    bpv: CurrentBpv | None
    # The local date of the latest bewijsstuk or event, and its rank in the klas (0: none
    # yet): "geen activiteit sinds" and the export read the date, the sort the rank.
    last_active_on: datetime.date | None
    activity_rank: int
    expected: float  # werkprocessen that should be signed off by today
    behind: bool = False
    today: datetime.date | None = None
    portfolio_url: str = ""
    # Shared by the rows of one klas: students with the same numbers and BPV-periode read
    # the same sentence, formatted once (the dates cost most).
    reasons: dict = field(default_factory=dict, repr=False)
    done: int = -1  # werkprocessen signed off or better; worked out from the cells if not given

    def __post_init__(self):
        if self.done < 0:
            self.done = done_of(self.cells)

    @property
    def name(self) -> str:
        student = self.enrolment.student
        return student.display_name

    @property
    def total(self) -> int:
        return len(self.cells)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def behind_reason(self) -> str:
        # The sentence only for the students who are behind, and only when it is shown.
        if not self.behind:
            return ""
        bpv = self.bpv
        # Plain values as the key: hashing the Leerbedrijf model per row costs more.
        key = (
            self.done,
            self.total,
            *((bpv.starts_on, bpv.ends_on, bpv.leerbedrijf_id) if bpv else ()),
        )
        reason = self.reasons.get(key)
        if reason is None:
            reason = self.reasons[key] = behind_reason(
                done=self.done, total=self.total, bpv=bpv, today=self.today
            )[1]
        return reason

    @property
    def leerbedrijf(self):
        return self.bpv.leerbedrijf if self.bpv else None


def done_of(cells) -> int:
    return sum(1 for c in cells if c.stage >= Stage.SIGNED_OFF)


@dataclass
class Column:
    werkproces: Werkproces
    counts: Counter = field(default_factory=Counter)
    url: str = ""

    @property
    def done(self) -> int:
        return self.counts[Stage.SIGNED_OFF] + self.counts[Stage.ASSESSED]


@dataclass(slots=True)
class Signal:
    kind: str  # behind / waiting / not_feasible
    row: StudentRow
    # The sentence; for "behind" empty and taken from the row, written only when shown
    # (a klas of 3 000 can have 1 800 students behind, and a card shows a few names).
    message: str = ""
    url: str = ""

    @property
    def text(self) -> str:
        if not self.message and self.kind == "behind":
            return self.row.behind_reason
        return self.message


@dataclass
class Bar:
    """One stage's part of a werkproces's bar in the distribution chart (SVG units)."""

    stage: int
    label: str
    count: int
    x: float
    width: float


@dataclass
class Dashboard:
    cohort: Cohort
    filters: Filters
    kerntaken: list[tuple[object, int]]  # (kerntaak, number of werkprocessen) for the header
    columns: list[Column]
    rows: list[StudentRow]  # after filtering and sorting
    all_count: int
    signals: list[Signal]
    leerbedrijven: list
    today: datetime.date

    @property
    def stages(self) -> list[tuple[int, str, str]]:
        return [(int(s), ICONS[s], str(STAGE_LABELS[s])) for s in Stage]

    @property
    def chart(self) -> list[tuple[Column, list[Bar]]]:
        chart = []
        total = len(self.rows) or 1
        for column in self.columns:
            bars, x = [], 0.0
            for stage in Stage:
                count = column.counts[stage]
                width = round(100 * count / total, 2)
                bars.append(Bar(int(stage), str(STAGE_LABELS[stage]), count, x, width))
                x = round(x + width, 2)
            chart.append((column, bars))
        return chart


def _werkprocessen(cohort: Cohort) -> list[Werkproces]:
    return list(
        werkprocessen_of(cohort.qualification).order_by(
            "kerntaak__position", "kerntaak__code", "position", "code"
        )
    )


def _cohort_enrolments(cohort: Cohort) -> QuerySet[Enrolment]:
    # Filtering the other reads by this subquery, not by a list of hundreds of ids, keeps
    # the SQL short and its parameters few (psycopg binds each id separately).
    return Enrolment.objects.filter(cohort=cohort).values("pk")


def student_rows(
    *, cohort: Cohort, werkprocessen: list[Werkproces], today: datetime.date
) -> list[StudentRow]:
    """One row per student of the klas with progress, current BPV, activity and planning.

    Every read returns plain tuples (progress cells from assessments.progress); the planning
    rule runs once per distinct (BPV-periode dates, werkprocessen, done), not per student."""
    column = {wp.pk: n for n, wp in enumerate(werkprocessen)}
    total = len(werkprocessen)
    # Each student's cells as numbered states (cheap to hash), then one shared tuple of
    # ProgressState per distinct pattern of progress.
    facts: dict[int, list[int]] = {}
    numbers: dict[tuple[int, str], int] = {(NOTHING.stage, NOTHING.outcome): 0}
    states: list[ProgressState] = [NOTHING]
    for enrolment_id, werkproces_id, stage, outcome in progress_facts(_cohort_enrolments(cohort)):
        n = column.get(werkproces_id)
        if n is None:
            continue  # not a werkproces of this klas's kwalificatie
        number = numbers.get((stage, outcome))
        if number is None:
            number = numbers[(stage, outcome)] = len(states)
            states.append(ProgressState(Stage(stage), outcome))
        row_cells = facts.get(enrolment_id)
        if row_cells is None:
            row_cells = facts[enrolment_id] = [0] * total
        row_cells[n] = number
    empty = (NOTHING,) * total
    by_key: dict[tuple[int, ...], tuple] = {}
    cells = {}
    for enrolment_id, row_cells in facts.items():
        key = tuple(row_cells)
        pattern = by_key.get(key)
        if pattern is None:
            pattern = by_key[key] = tuple(states[number] for number in key)
        cells[enrolment_id] = pattern
    del facts
    done = {id(pattern): done_of(pattern) for pattern in (empty, *by_key.values())}
    bedrijven: dict[int, Leerbedrijf] = {}
    # Students placed alike share one CurrentBpv (it is frozen), and those also as far along
    # one planning verdict: a klas has a few hundred such groups, not 3 000.
    alike: dict[tuple, CurrentBpv] = {}
    placed: dict[tuple, tuple] = {}
    reasons: dict = {}
    rows = []
    for row in roster(cohort, today):
        pattern = cells.get(row[0], empty)
        key = (row[5], row[6], row[7], id(pattern))
        shared = placed.get(key)
        if shared is None:
            starts_on, ends_on, bedrijf_id = placement = key[:3]
            bpv = alike.get(placement)
            if bpv is None and starts_on is not None:
                bedrijf = bedrijven.get(bedrijf_id)
                if bedrijf is None:
                    bedrijf = bedrijven[bedrijf_id] = Leerbedrijf(pk=bedrijf_id, name=row[8])
                bpv = alike[placement] = CurrentBpv(starts_on, ends_on, bedrijf)
            expected = _planning(starts_on, ends_on, total, today)[3]
            row_done = done[id(pattern)]
            shared = placed[key] = (bpv, expected, row_done, is_behind(row_done, total, expected))
        bpv, expected, row_done, behind = shared
        # Positional, in StudentRow's field order: 3 000 calls with keywords cost more.
        rows.append(
            StudentRow(
                EnrolmentRef(row[0], StudentRef(row[1], row[2], row[3], row[4])),
                pattern,
                bpv,
                row[9],  # last active on
                row[10],  # activity rank
                expected,
                behind,
                today,
                "",
                reasons,
                row_done,
            )
        )
    return rows


def _matches(
    row: StudentRow, filters: Filters, today: datetime.date, flagged: set[int] | None = None
) -> bool:
    if flagged is not None and row.enrolment.pk not in flagged:
        return False
    if filters.leerbedrijf is not None and (
        row.bpv is None or row.bpv.leerbedrijf_id != filters.leerbedrijf
    ):
        return False
    if filters.state is not None and not any(c.stage == filters.state for c in row.cells):
        return False
    if filters.behind and not row.behind:
        return False
    if filters.inactive_days is not None and row.last_active_on is not None:
        idle = (today - row.last_active_on).days
        if idle < filters.inactive_days:
            return False
    return True


def _sort(rows: list[StudentRow], sort: str, by_name_already: bool = False) -> list[StudentRow]:
    def by_name(r):
        # The Dutch order every list of people uses (organisation.names.sort_key).
        s = r.enrolment.student
        return (s.sort_name, s.username)

    # The other orders are stable sorts on top of the name order.
    rows = list(rows) if by_name_already else sorted(rows, key=by_name)
    if sort == "voortgang":
        rows.sort(key=lambda r: r.done)
    elif sort == "voortgang-aflopend":
        rows.sort(key=lambda r: -r.done)
    elif sort == "activiteit":
        # Oldest first, those without any activity before everyone (rank 0).
        rows.sort(key=lambda r: r.activity_rank)
    return rows


def _signals(
    cohort: Cohort, rows: list[StudentRow], filters: Filters, today: datetime.date, links: bool
) -> list[Signal]:
    by_id = {r.enrolment.pk: r for r in rows}
    ids = _cohort_enrolments(cohort)
    signals = [Signal("behind", r, "", r.portfolio_url) for r in rows if r.behind]
    cutoff = timezone.now() - datetime.timedelta(days=filters.review_days)
    # The bewijsstukken whose current event is a submission from before the cutoff, asked
    # of those submissions: the cheap tests (kind, age) go first and only the rest are
    # checked for being current. (Asked of each bewijsstuk's status instead, PostgreSQL
    # misjudged how many pass and took 0.6 s for a klas of 3 000 with everything waiting.)
    waiting = (
        EvidenceEvent.objects.filter(
            evidence__enrolment_id__in=ids,
            kind=EvidenceEvent.Kind.SUBMITTED,
            created_at__lt=cutoff,
        )
        .current("evidence_id")
        .order_by("created_at", "evidence_id")
        .values_list("evidence__enrolment_id", "evidence__werkproces__code", "created_at")
    )
    # Each sentence translated once: a klas of 3 000 can have hundreds of these signals.
    waiting_text = _("Bewijs bij %(code)s wacht al %(days)d dagen op beoordeling.")
    for enrolment_id, code, at in waiting:
        row = by_id[enrolment_id]
        days = (today - timezone.localtime(at).date()).days
        signals.append(
            Signal(
                "waiting",
                row,
                waiting_text % {"code": code, "days": days},
                f"{row.portfolio_url}{code}/" if links else "",
            )
        )
    current = (
        FeasibilityEvent.objects.filter(enrolment_id__in=ids)
        .current("enrolment_id", "werkproces_id")
        .order_by("created_at", "id")
        .values_list("enrolment_id", "werkproces__code", "kind", "leerbedrijf__name", "reason")
    )
    not_feasible_text = _("%(code)s is niet uitvoerbaar bij %(bedrijf)s: %(reason)s")
    for enrolment_id, code, kind, bedrijf, reason in current:
        if kind != FeasibilityEvent.Kind.NOT_FEASIBLE:
            continue
        row = by_id[enrolment_id]
        signals.append(
            Signal(
                "not_feasible",
                row,
                not_feasible_text % {"code": code, "bedrijf": bedrijf, "reason": reason},
                f"{row.portfolio_url}{code}/" if links else "",
            )
        )
    return signals


def dashboard_for(
    *, user: User, cohort: Cohort, filters: Filters, today: datetime.date | None = None
) -> Dashboard:
    """The matrix of one klas as this user may see it (get the cohort through
    get_cohort_for_user first). Signals cover the whole klas; the rows are filtered."""
    today = today or timezone.localdate()
    werkprocessen = _werkprocessen(cohort)
    rows = student_rows(cohort=cohort, werkprocessen=werkprocessen, today=today)
    links = can_open_portfolios(user)
    if links:
        portfolio_url = open_url("portfolios:portfolio")  # one reverse() per klas
        for row in rows:
            row.portfolio_url = fill(portfolio_url, row.enrolment.pk)
    rows = _sort(rows, "naam")
    signals = _signals(cohort, rows, filters, today, links)
    flagged = None
    if filters.signal is not None:
        kind = SIGNAL_FILTERS[filters.signal]
        flagged = {s.row.enrolment.pk for s in signals if s.kind == kind}
    matching = [r for r in rows if _matches(r, filters, today, flagged)]
    shown = _sort(matching, filters.sort, by_name_already=True)
    columns = [
        Column(
            wp,
            url=reverse("qualifications:werkproces", args=[cohort.qualification_id, wp.code]),
        )
        for wp in werkprocessen
    ]
    # Rows share their cells' tuple with every student of the same progress: count patterns.
    patterns = {id(row.cells): row.cells for row in shown}
    for pattern_id, students in Counter(id(row.cells) for row in shown).items():
        for column, cell in zip(columns, patterns[pattern_id], strict=True):
            column.counts[cell.stage] += students
    kerntaken: list[tuple[object, int]] = []
    for wp in werkprocessen:
        if kerntaken and kerntaken[-1][0].pk == wp.kerntaak_id:
            kerntaken[-1] = (kerntaken[-1][0], kerntaken[-1][1] + 1)
        else:
            kerntaken.append((wp.kerntaak, 1))
    leerbedrijven = sorted(
        {r.bpv.leerbedrijf_id: r.bpv.leerbedrijf for r in rows if r.bpv}.values(),
        key=lambda b: (b.name.lower(), b.pk),
    )
    return Dashboard(
        cohort=cohort,
        filters=filters,
        kerntaken=kerntaken,
        columns=columns,
        rows=shown,
        all_count=len(rows),
        signals=signals,
        leerbedrijven=leerbedrijven,
        today=today,
    )


# --- The overview of klassen -----------------------------------------------------------------


@dataclass
class CohortSummary:
    cohort: Cohort
    students: int = 0
    werkprocessen: int = 0
    done: int = 0  # signed off or better, all students together
    behind: int = 0
    stages: Counter = field(default_factory=Counter)

    @property
    def percent(self) -> int:
        cells = self.students * self.werkprocessen
        return round(100 * self.done / cells) if cells else 0

    @property
    def stage_list(self) -> list[tuple[tuple[int, str], int]]:
        return [((int(s), str(STAGE_LABELS[s])), self.stages[s]) for s in Stage]


OVERVIEW_PAGE_SIZE = 50


def _overview_cohorts(user: User, qualification_id: int | None) -> QuerySet[Cohort]:
    cohorts = (
        visible_cohorts(user)
        .select_related("school", "qualification")
        # What the overview shows: not the kwalificatie's texts or the school's settings.
        .only(
            "name",
            "start_year",
            "school__name",
            "qualification__title",
            "qualification__crebo",
        )
    )
    if qualification_id is not None:
        cohorts = cohorts.filter(qualification_id=qualification_id)
    return cohorts.order_by("school__name", "-start_year", "name", "pk")


def cohort_overview(
    *, user: User, qualification_id: int | None = None, today: datetime.date | None = None
) -> list[CohortSummary]:
    """Every klas this user may see, side by side, in a fixed number of queries."""
    return _summaries(list(_overview_cohorts(user, qualification_id)), today)


def cohort_overview_page(
    *,
    user: User,
    qualification_id: int | None = None,
    page: object = 1,
    today: datetime.date | None = None,
) -> tuple[Page, list[CohortSummary]]:
    """One page of the klassen this user may see: the database works out the students of
    these klassen only, so a school of 400 klassen costs what 50 do."""
    shown = Paginator(_overview_cohorts(user, qualification_id), OVERVIEW_PAGE_SIZE).get_page(page)
    return shown, _summaries(list(shown.object_list), today)


def _summaries(cohorts: list[Cohort], today: datetime.date | None) -> list[CohortSummary]:
    today = today or timezone.localdate()
    # The klassen's ids (a page holds 50, a school a few hundred), never the students' ids.
    enrolments = Enrolment.objects.filter(cohort_id__in=[c.pk for c in cohorts])
    summaries = {c.pk: CohortSummary(c) for c in cohorts}
    # The database counts the stages per student (only where something happened) and picks
    # each student's current BPV-periode; Python adds up plain tuples and applies the
    # planning rule. No model object per student, no list of ids.
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for enrolment_id, stage, count in stage_counts(enrolments):
        counts[enrolment_id][stage] = count
    sizes = werkproces_counts({c.qualification_id for c in cohorts})
    planning = {
        enrolment_id: (start, end)
        for enrolment_id, start, end in _current_bpvs(enrolments, today).values_list(
            "enrolment_id", "starts_on", "ends_on"
        )
    }
    # Plain ints and tuples in the loop; the planning rule is worked out once per distinct
    # (start, end, werkprocessen), which a school shares across most of its students.
    expected_for: dict[tuple, float] = {}
    stage_totals: dict[int, list[int]] = {c.pk: [0] * len(Stage) for c in cohorts}
    nothing: dict[int, int] = {}
    for enrolment_id, cohort_id, qualification_id in enrolments.values_list(
        "pk", "cohort_id", "qualification_id"
    ):
        summary = summaries[cohort_id]
        total = sizes.get(qualification_id, 0)
        stages = counts.get(enrolment_id, nothing)
        done = stages.get(SIGNED_OFF, 0) + stages.get(ASSESSED, 0)
        summary.students += 1
        if total > summary.werkprocessen:
            summary.werkprocessen = total
        totals = stage_totals[cohort_id]
        totals[0] += total - sum(stages.values())
        for stage, count in stages.items():
            totals[stage] += count
        summary.done += done
        dates = planning.get(enrolment_id, (None, None))
        key = (*dates, total)
        expected = expected_for.get(key)
        if expected is None:
            expected = expected_for[key] = _planning(*dates, total, today)[3]
        summary.behind += is_behind(done, total, expected)
    for cohort_id, totals in stage_totals.items():
        summaries[cohort_id].stages.update(
            {Stage(stage): count for stage, count in enumerate(totals) if count}
        )
    return list(summaries.values())
