"""The cesuur is a pure function: both scales, knock-out criteria, comments with onvoldoende."""

from decimal import Decimal

import pytest

from assessments.cesuur import (
    GOED,
    ONVOLDOENDE,
    VOLDOENDE,
    Level,
    Score,
    ScoreError,
    check_scores,
    outcome_of,
)

THREE = [Level(0, "Onvoldoende", False), Level(1, "Voldoende", True), Level(2, "Goed", True)]
FOUR = [
    Level(0, "Onvoldoende", False),
    Level(1, "Voldoende", True),
    Level(2, "Goed", True),
    Level(3, "Uitstekend", True),
]


def scores(*values, crucial=()):
    return [
        Score(criterion_id=i, value=v, comment="x" if v == 0 else "", crucial=i in crucial)
        for i, v in enumerate(values)
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((1, 1, 1, 1), VOLDOENDE),  # 4/8 = 50%
        ((2, 2, 1, 1), GOED),  # 6/8 = 75% exactly
        ((2, 2, 2, 1), GOED),
        ((2, 2, 2, 2), GOED),
        ((0, 2, 2, 2), ONVOLDOENDE),  # one onvoldoende, none allowed
    ],
)
def test_default_scale(values, expected):
    assert outcome_of(levels=THREE, scores=scores(*values)).outcome == expected


def test_points_and_max_points():
    result = outcome_of(levels=THREE, scores=scores(2, 1, 1))
    assert (result.points, result.max_points) == (4, 6)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((1, 1, 1, 1), VOLDOENDE),  # 4/12
        ((3, 3, 3, 0), ONVOLDOENDE),
        ((3, 3, 2, 1), GOED),  # 9/12 = 75%
        ((3, 2, 2, 1), VOLDOENDE),  # 8/12
    ],
)
def test_four_point_scale(values, expected):
    assert outcome_of(levels=FOUR, scores=scores(*values)).outcome == expected


@pytest.mark.parametrize("levels", [THREE, FOUR], ids=["0-2", "0-3"])
def test_knock_out_criterion_fails_even_when_onvoldoendes_are_allowed(levels):
    top = levels[-1].value
    values = (0, top, top, top, top)
    lenient = outcome_of(levels=levels, scores=scores(*values), max_onvoldoende=1)
    assert lenient.outcome != ONVOLDOENDE
    knocked = outcome_of(levels=levels, scores=scores(*values, crucial={0}), max_onvoldoende=1)
    assert knocked.outcome == ONVOLDOENDE
    assert knocked.knocked_out


@pytest.mark.parametrize("levels", [THREE, FOUR], ids=["0-2", "0-3"])
def test_crucial_criterion_passed_does_not_knock_out(levels):
    result = outcome_of(levels=levels, scores=scores(1, 1, 1, crucial={0}))
    assert result.outcome == VOLDOENDE
    assert not result.knocked_out


def test_min_share_for_goed_is_configurable():
    values = scores(2, 2, 1, 1)  # 75%
    assert outcome_of(levels=THREE, scores=values, min_share_for_goed=Decimal("0.8")).outcome == (
        VOLDOENDE
    )
    assert outcome_of(levels=THREE, scores=values, min_share_for_goed=0.5).outcome == GOED


def test_no_scores_is_never_a_pass():
    assert outcome_of(levels=THREE, scores=[]).outcome == ONVOLDOENDE


@pytest.mark.parametrize("levels", [THREE, FOUR], ids=["0-2", "0-3"])
def test_comment_required_with_onvoldoende(levels):
    with pytest.raises(ScoreError) as exc:
        check_scores(levels=levels, criterion_ids=[1, 2], scores=[Score(1, 0), Score(2, 1)])
    assert exc.value.criterion_id == 1
    check_scores(levels=levels, criterion_ids=[1, 2], scores=[Score(1, 0, "Te snel"), Score(2, 1)])


def test_every_criterion_needs_a_score_on_the_scale():
    with pytest.raises(ScoreError):
        check_scores(levels=THREE, criterion_ids=[1, 2], scores=[Score(1, 1)])
    with pytest.raises(ScoreError):
        check_scores(levels=THREE, criterion_ids=[1], scores=[Score(1, 7)])
    with pytest.raises(ScoreError):
        check_scores(levels=THREE, criterion_ids=[1], scores=[Score(1, 1), Score(9, 1)])
