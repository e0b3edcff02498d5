"""Reads for assessments: progress, the beoordeling page and results (the queue and the
results list, paged, are in lists.py).

progress_for() is the one place that says how far a student is with a werkproces; the
portfolio page, dashboards and reports all use it, for one or many students at once.
"""

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from organisation.models import Enrolment, User
from organisation.permissions import is_owner
from portfolios.models import (
    Evidence,
    EvidenceStatus,
    EvidenceVersion,
    EvidenceVersionLink,
    SignOffEvent,
)
from portfolios.selectors import with_status
from qualifications.models import Criterion, Kerntaak, Qualification, Werkproces
from qualifications.selectors import criteria_for

from . import cesuur, progress
from .models import (
    Beoordeling,
    CrucialCriterion,
    FinalScore,
    Outcome,
    ScoreDraft,
    Submission,
    SubmittedScore,
    Vaststelling,
)
from .permissions import result_enrolments
from .policies import levels_of, policy_for


class Stage(enum.IntEnum):
    NO_EVIDENCE = 0
    SUBMITTED = 1
    ACCEPTED = 2
    SIGNED_OFF = 3
    ASSESSED = 4


STAGE_LABELS = {
    Stage.NO_EVIDENCE: _("Nog geen bewijs"),
    Stage.SUBMITTED: _("Bewijs ingediend"),
    Stage.ACCEPTED: _("Bewijs goedgekeurd"),
    Stage.SIGNED_OFF: _("Afgetekend"),
    Stage.ASSESSED: _("Beoordeeld"),
}


@dataclass(frozen=True)
class ProgressState:
    stage: Stage
    outcome: str = ""  # onvoldoende / voldoende / goed, once assessed

    @property
    def label(self) -> str:
        if self.stage == Stage.ASSESSED:
            return f"{STAGE_LABELS[self.stage]}: {Outcome(self.outcome).label.lower()}"
        return str(STAGE_LABELS[self.stage])


def _werkprocessen_by_qualification(qualification_ids: set[int]) -> dict[int, list[Werkproces]]:
    qualifications = list(Qualification.objects.filter(pk__in=qualification_ids))
    dossier_ids = {q.dossier_id for q in qualifications}
    werkprocessen = list(
        Werkproces.objects.filter(kerntaak__dossier_id__in=dossier_ids)
        .select_related("kerntaak")
        .order_by("kerntaak__position", "kerntaak__code", "position", "code")
    )
    result: dict[int, list[Werkproces]] = {}
    for q in qualifications:
        result[q.pk] = [
            wp
            for wp in werkprocessen
            if wp.kerntaak.dossier_id == q.dossier_id
            and (
                wp.kerntaak.part != Kerntaak.Part.PROFIELDEEL
                or wp.kerntaak.qualification_id == q.pk
            )
        ]
    return result


def werkproces_counts(qualification_ids: set[int]) -> dict[int, int]:
    """How many werkprocessen each kwalificatie has, by the rule of
    _werkprocessen_by_qualification (the dossier's basisdeel plus its own profieldeel), from
    plain values: the overviews need the numbers, not the dossier's texts."""
    dossiers = dict(
        Qualification.objects.filter(pk__in=qualification_ids).values_list("pk", "dossier_id")
    )
    werkprocessen = Werkproces.objects.filter(kerntaak__dossier_id__in=set(dossiers.values()))
    per_kerntaak = Counter(
        werkprocessen.values_list(
            "kerntaak__dossier_id", "kerntaak__part", "kerntaak__qualification_id"
        ).order_by()
    )
    return {
        q: sum(
            n
            for (dossier_id, part, part_of), n in per_kerntaak.items()
            if dossier_id == dossier and (part != Kerntaak.Part.PROFIELDEEL or part_of == q)
        )
        for q, dossier in dossiers.items()
    }


def progress_for(
    *, enrolments: Iterable[Enrolment] | QuerySet[Enrolment]
) -> dict[tuple[int, int], ProgressState]:
    """Per (enrolment id, werkproces id) of each student's kwalificatie, how far they are.

    Four queries however many students: the database derives every stage (progress.py). A
    bewijsstuk linked to several werkprocessen counts for each of them. Pass a queryset
    for many students: it enters the SQL as a subquery, not as a list of ids."""
    qs = progress.enrolment_queryset(enrolments)
    students = list(qs.order_by().values_list("pk", "qualification_id"))
    wps = _werkprocessen_by_qualification({q for _pk, q in students})
    known = _known_states(qs)
    return {
        (pk, wp.pk): known.get((pk, wp.pk), NOTHING_YET)
        for pk, qualification_id in students
        for wp in wps.get(qualification_id, [])
    }


NOTHING_YET = ProgressState(Stage.NO_EVIDENCE)


def _known_states(enrolments) -> dict[tuple[int, int], ProgressState]:
    # A handful of distinct states: share them rather than make one object per cell.
    states: dict[tuple[int, str], ProgressState] = {}
    known: dict[tuple[int, int], ProgressState] = {}
    for enrolment_id, werkproces_id, stage, outcome in progress.facts(enrolments):
        state = states.get((stage, outcome))
        if state is None:
            state = states[(stage, outcome)] = ProgressState(Stage(stage), outcome)
        known[(enrolment_id, werkproces_id)] = state
    return known


def progress_of(
    *, enrolment: Enrolment, werkprocessen: Iterable[Werkproces]
) -> dict[int, ProgressState]:
    """progress_for() of one student whose werkprocessen the caller has read already (a
    report does): one query, per werkproces id."""
    known = _known_states([enrolment])
    return {wp.pk: known.get((enrolment.pk, wp.pk), NOTHING_YET) for wp in werkprocessen}


# --- The beoordeling page --------------------------------------------------------------------


@dataclass
class CriterionRow:
    criterion: Criterion
    crucial: bool
    mine: tuple[int | None, str] = (None, "")
    others: list[tuple[str, int | None, str]] = field(default_factory=list)
    final: FinalScore | None = None
    # Submitted bewijsstukken in which the student tagged this gedrag.
    evidence: list["EvidenceItem"] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        values = {v for _n, v, _c in self.others}
        return len(values) > 1


@dataclass
class VersionView:
    vaststelling: Vaststelling
    scores: list[FinalScore]


@dataclass
class EvidenceItem:
    """A bewijsstuk as submitted: the assessor judges the latest version, not a draft."""

    evidence: Evidence
    title: str
    status_label: str
    # The gedrag of this werkproces the student tagged in that version.
    criteria: set[int] = field(default_factory=set)


def _evidence_items(enrolment: Enrolment, werkproces: Werkproces) -> list[EvidenceItem]:
    """Submitted bewijsstukken linked to this werkproces, with the gedrag each version tags
    here: three queries. What counts is the submitted version's frozen links
    (EvidenceVersionLink), for every werkproces the student linked the bewijsstuk to, not the
    working copy: a link added to a draft since, or removed from it, is not yet submitted."""
    linked = EvidenceVersionLink.objects.filter(werkproces=werkproces).values(
        "version__evidence_id"
    )
    items = []
    for e in (
        with_status(Evidence.objects.filter(enrolment=enrolment, pk__in=linked))
        .filter(last_kind__isnull=False)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=EvidenceVersion.objects.order_by("number").prefetch_related(
                    Prefetch(
                        "wp_links",
                        queryset=EvidenceVersionLink.objects.filter(
                            werkproces=werkproces
                        ).prefetch_related("criteria"),
                        to_attr="here",
                    )
                ),
                to_attr="version_list",
            )
        )
        .order_by("-date", "-id")
    ):
        latest = e.version_list[-1]
        if not latest.here:
            continue  # linked here once, but no longer in the version the assessor judges
        tagged = {c.pk for link in latest.here for c in link.criteria.all()}
        items.append(EvidenceItem(e, latest.title, EvidenceStatus(e.last_kind).label, tagged))
    return items


@dataclass
class BeoordelingPage:
    enrolment: Enrolment
    werkproces: Werkproces
    beoordeling: Beoordeling | None
    levels: list[cesuur.Level]
    four_eyes: bool
    rows: list[CriterionRow]
    evidence: list[EvidenceItem]
    sign_off: SignOffEvent | None
    draft: ScoreDraft | None
    my_submission: Submission | None
    submissions: list[Submission]
    versions: list[VersionView]

    @property
    def latest(self) -> VersionView | None:
        return self.versions[-1] if self.versions else None

    @property
    def both_in(self) -> bool:
        return self.four_eyes and len(self.submissions) >= 2

    @property
    def mode(self) -> str:
        """What the assessor can do now: score, wait, vaststellen, or correct."""
        if self.versions:
            return "final"
        if self.my_submission is None:
            return "score" if len(self.submissions) < (2 if self.four_eyes else 1) else "closed"
        return "agree" if self.both_in else "wait"


def _versions(beoordeling: Beoordeling | None) -> list[VersionView]:
    if beoordeling is None:
        return []
    qs = beoordeling.vaststellingen.order_by("number").prefetch_related(
        Prefetch("scores", queryset=FinalScore.objects.order_by("id"))
    )
    return [VersionView(v, list(v.scores.all())) for v in qs]


def beoordeling_page_for(
    *, user: User, enrolment: Enrolment, werkproces: Werkproces
) -> BeoordelingPage:
    """What an assigned assessor sees. The other assessor's scores stay hidden until both
    have handed in: the 4-ogen principle only works if each scores independently."""
    beoordeling = (
        Beoordeling.objects.filter(enrolment=enrolment, werkproces=werkproces)
        .select_related("scale")
        .first()
    )
    if beoordeling is not None:
        scale, four_eyes = beoordeling.scale, beoordeling.four_eyes
    else:
        policy = policy_for(werkproces)
        scale, four_eyes = policy.scale, policy.four_eyes
    criteria = list(
        criteria_for(qualification=enrolment.qualification, werkproces=werkproces)
        .select_related("qualification")
        .order_by("position")
    )
    crucial = set(
        CrucialCriterion.objects.filter(criterion__in=criteria).values_list(
            "criterion_id", flat=True
        )
    )
    draft = my_submission = None
    submissions: list[Submission] = []
    if beoordeling is not None:
        draft = ScoreDraft.objects.filter(beoordeling=beoordeling, assessor=user).first()
        submissions = list(
            beoordeling.submissions.order_by("submitted_at", "id").prefetch_related(
                Prefetch("scores", queryset=SubmittedScore.objects.all())
            )
        )
        my_submission = next((s for s in submissions if s.assessor_id == user.pk), None)
    versions = _versions(beoordeling)
    reveal = bool(versions) or (four_eyes and len(submissions) >= 2)
    rows = []
    latest_scores = {s.criterion_id: s for s in versions[-1].scores} if versions else {}
    for criterion in criteria:
        row = CriterionRow(criterion=criterion, crucial=criterion.pk in crucial)
        for submission in submissions:
            score = next(
                (s for s in submission.scores.all() if s.criterion_id == criterion.pk), None
            )
            if score is None:
                continue
            if submission.assessor_id == user.pk:
                row.mine = (score.value, score.comment)
            if reveal or submission.assessor_id == user.pk:
                row.others.append((submission.assessor_name, score.value, score.comment))
        if my_submission is None and draft is not None:
            row.mine = tuple(
                (draft.scores.get(str(criterion.pk)) or {}).get(k, d)
                for k, d in (("value", None), ("comment", ""))
            )
        row.final = latest_scores.get(criterion.pk)
        rows.append(row)
    evidence = _evidence_items(enrolment, werkproces)
    for row in rows:
        row.evidence = [item for item in evidence if row.criterion.pk in item.criteria]
    sign_off = (
        SignOffEvent.objects.filter(enrolment=enrolment, werkproces=werkproces)
        .order_by("-created_at", "-id")
        .first()
    )
    if sign_off is not None and sign_off.kind != SignOffEvent.Kind.SIGNED:
        sign_off = None
    return BeoordelingPage(
        enrolment=enrolment,
        werkproces=werkproces,
        beoordeling=beoordeling,
        levels=levels_of(scale),
        four_eyes=four_eyes,
        rows=rows,
        evidence=evidence,
        sign_off=sign_off,
        draft=draft,
        my_submission=my_submission,
        submissions=submissions,
        versions=versions,
    )


# --- Results ---------------------------------------------------------------------------------


@dataclass
class ResultRow:
    werkproces: Werkproces
    versions: list[VersionView]
    # Why the latest outcome is what it is, and what to do now (cesuur.explain, next_step).
    explanation: str = ""
    next_step: str = ""

    @property
    def latest(self) -> VersionView:
        return self.versions[-1]


def _explained(row: ResultRow, *, own: bool) -> ResultRow:
    v = row.latest.vaststelling
    rules = v.beoordeling  # the rules that applied, copied when the beoordeling began
    row.explanation = cesuur.explain(
        outcome=v.outcome,
        points=v.points,
        max_points=v.max_points,
        scores=[cesuur.Judged(s.criterion_text, s.passing, s.crucial) for s in row.latest.scores],
        min_share_for_goed=rules.min_share_for_goed,
        max_onvoldoende=rules.max_onvoldoende,
        own=own,
    )
    row.next_step = cesuur.next_step(outcome=v.outcome, own=own)
    return row


def results_for(*, user: User, enrolment: Enrolment) -> list[ResultRow]:
    """Final results of one student, as this user may see them (only vastgestelde ones)."""
    if not result_enrolments(user).filter(pk=enrolment.pk).exists():
        return []
    return own_results(enrolment=enrolment, own=is_owner(user, enrolment))


def own_results(*, enrolment: Enrolment, own: bool = True) -> list[ResultRow]:
    """The final results of one student as that student reads them (results_for for the
    student, without asking whether they may: they may). For callers that checked access."""
    versions = (
        Vaststelling.objects.filter(beoordeling__enrolment=enrolment)
        .select_related("beoordeling__werkproces__kerntaak")
        .prefetch_related(Prefetch("scores", queryset=FinalScore.objects.order_by("id")))
        .order_by("beoordeling__werkproces__kerntaak__position", "beoordeling__werkproces__code",
                  "number")
    )  # fmt: skip
    rows: dict[int, ResultRow] = {}
    for v in versions:
        wp = v.beoordeling.werkproces
        rows.setdefault(wp.pk, ResultRow(wp, [])).versions.append(
            VersionView(v, list(v.scores.all()))
        )
    return [_explained(row, own=own) for row in rows.values()]
