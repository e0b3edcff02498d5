"""The cesuur: from criterion scores to the outcome of a werkproces. Pure, so it is easy to
test and the same everywhere; the outcome is always computed, never typed."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

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
    elif Decimal(points) >= Decimal(str(min_share_for_goed)) * max_points:
        outcome = GOED
    else:
        outcome = VOLDOENDE
    return Result(outcome=outcome, points=points, max_points=max_points, knocked_out=knocked_out)
