"""The cesuur: from criterion scores to the outcome of a werkproces. Pure, so it is easy to
test and the same everywhere; the outcome is always computed, never typed."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ONVOLDOENDE = "onvoldoende"
VOLDOENDE = "voldoende"
GOED = "goed"


@dataclass(frozen=True)
class Level:
    value: int
    label: str
    passing: bool
    descriptor: str = ""


@dataclass(frozen=True)
class Score:
    criterion_id: int
    value: int
    comment: str = ""
    crucial: bool = False


@dataclass(frozen=True)
class Result:
    outcome: str
    points: int
    max_points: int
    knocked_out: bool


class ScoreError(ValueError):
    """Scores that cannot be judged: the message says which criterion and why."""

    def __init__(self, criterion_id: int | None, message: str):
        super().__init__(message)
        self.criterion_id = criterion_id
        self.message = message


def check_scores(
    *, levels: Sequence[Level], criterion_ids: Sequence[int], scores: Sequence[Score]
) -> None:
    """Every criterion scored once, on a level of the scale, with a comment where it fails."""
    by_value = {level.value: level for level in levels}
    seen = {score.criterion_id for score in scores}
    for criterion_id in criterion_ids:
        if criterion_id not in seen:
            raise ScoreError(criterion_id, _("Geef bij elk criterium een score."))
    if len(seen) != len(scores) or not seen <= set(criterion_ids):
        raise ScoreError(None, _("Deze scores horen niet bij dit werkproces."))
    for score in scores:
        level = by_value.get(score.value)
        if level is None:
            raise ScoreError(score.criterion_id, _("Deze score staat niet op de schaal."))
        if not level.passing and not score.comment.strip():
            raise ScoreError(score.criterion_id, _("Licht een onvoldoende toe: wat ontbrak er?"))


def outcome_of(
    *,
    levels: Sequence[Level],
    scores: Sequence[Score],
    min_share_for_goed: Decimal | float = Decimal("0.75"),
    max_onvoldoende: int = 0,
) -> Result:
    """Onvoldoende on a cruciaal criterion, or more onvoldoendes than allowed, makes the
    werkproces onvoldoende; otherwise it is goed from ``min_share_for_goed`` of the maximum
    points, and voldoende below that."""
    by_value = {level.value: level for level in levels}
    top = max(level.value for level in levels)
    points = sum(score.value for score in scores)
    max_points = top * len(scores)
    failed = [score for score in scores if not by_value[score.value].passing]
    knocked_out = any(score.crucial for score in failed)
    if knocked_out or len(failed) > max_onvoldoende or not scores:
        outcome = ONVOLDOENDE
    elif points >= goed_threshold(max_points=max_points, min_share_for_goed=min_share_for_goed):
        outcome = GOED
    else:
        outcome = VOLDOENDE
    return Result(outcome=outcome, points=points, max_points=max_points, knocked_out=knocked_out)


def goed_threshold(*, max_points: int, min_share_for_goed: Decimal | float) -> int:
    """The fewest whole points that make goed: ``min_share_for_goed`` of the maximum, up."""
    return math.ceil(Decimal(str(min_share_for_goed)) * max_points)


@dataclass(frozen=True)
class Judged:
    """A score as recorded: enough to say why the outcome is what it is."""

    text: str
    passing: bool
    crucial: bool


def explain(
    *,
    outcome: str,
    points: int,
    max_points: int,
    scores: Sequence[Judged],
    min_share_for_goed: Decimal | float,
    max_onvoldoende: int,
    own: bool,
) -> str:
    """One sentence with the rule of outcome_of() that decided this outcome, for the student
    (``own``, "je") or for staff reading along. Built from the same rule and the same figures
    as outcome_of(), so it cannot tell a different story."""
    goed = goed_threshold(max_points=max_points, min_share_for_goed=min_share_for_goed)
    failed = [s for s in scores if not s.passing]
    crucial_failed = [s for s in failed if s.crucial]
    values = {
        "points": points,
        "max": max_points,
        "goed": goed,
        "failed": len(failed),
        "allowed": max_onvoldoende,
        "criterion": crucial_failed[0].text if crucial_failed else "",
    }
    if outcome == ONVOLDOENDE and crucial_failed:
        text = (
            _("Onvoldoende: het cruciale criterium „%(criterion)s” is onvoldoende, en dat "
              "beslist, hoeveel punten je ook haalde (%(points)s van %(max)s).")
            if own
            else _("Onvoldoende: het cruciale criterium „%(criterion)s” is onvoldoende, en dat "
                   "beslist, ongeacht de punten (%(points)s van %(max)s).")
        )  # fmt: skip
    elif outcome == ONVOLDOENDE:
        text = ngettext(
            "Onvoldoende: %(failed)s criterium is onvoldoende en er mogen er hoogstens "
            "%(allowed)s onvoldoende zijn (%(points)s van %(max)s punten).",
            "Onvoldoende: %(failed)s criteria zijn onvoldoende en er mogen er hoogstens "
            "%(allowed)s onvoldoende zijn (%(points)s van %(max)s punten).",
            len(failed),
        )
    else:
        start = (
            _("Goed: je haalde %(points)s van %(max)s punten; voor goed zijn %(goed)s punten nodig")
            if outcome == GOED and own
            else _("Goed: %(points)s van %(max)s punten; voor goed zijn %(goed)s punten nodig")
            if outcome == GOED
            else _("Voldoende: je haalde %(points)s van %(max)s punten; voor goed waren "
                   "%(goed)s punten nodig")
            if own
            else _("Voldoende: %(points)s van %(max)s punten; voor goed waren %(goed)s punten "
                   "nodig")
        )  # fmt: skip
        rest = (
            _(", alle cruciale criteria zijn voldoende en %(failed)s van de hoogstens "
              "%(allowed)s toegestane onvoldoendes.")
            if failed
            else _(", alle cruciale criteria zijn voldoende en geen criterium is onvoldoende.")
        )  # fmt: skip
        text = start + rest
    return text % values


def next_step(*, outcome: str, own: bool) -> str:
    """What to do after this outcome, in one sentence."""
    if outcome == ONVOLDOENDE:
        return (
            _("Volgende stap: lees de toelichting bij de onvoldoende criteria, bespreek met je "
              "mentor wat je nog moet laten zien en plan daarna een nieuwe beoordeling.")
            if own
            else _("Volgende stap: bespreek de toelichting met de student en plan een nieuwe "
                   "beoordeling zodra het ontbrekende is aangetoond.")
        )  # fmt: skip
    return (
        _("Volgende stap: dit werkproces is klaar; kijk bij „Wat nu?” in je portfolio wat er "
          "nog openstaat.")
        if own
        else _("Volgende stap: dit werkproces is klaar; „Wat nu?” in het portfolio toont wat "
               "er nog openstaat.")
    )  # fmt: skip
