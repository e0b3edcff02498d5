"""Reads of the assessment configuration: which scale and cesuur apply to a werkproces.

Reads only: the default scales are made by migration 0004, so nothing here writes (a GET of
the beoordeling page must never write).
"""

from dataclasses import dataclass
from decimal import Decimal

from qualifications.models import Werkproces

from . import cesuur, scales
from .models import AssessmentPolicy, RatingScale

DEFAULT_MIN_SHARE_FOR_GOED = Decimal("0.75")


@dataclass(frozen=True)
class Policy:
    scale: RatingScale
    four_eyes: bool
    min_share_for_goed: Decimal
    max_onvoldoende: int


def default_scale() -> RatingScale:
    """onvoldoende / voldoende / goed (0/1/2): the scale wherever no policy names another.
    Made by migration 0004, so reading a beoordeling never writes."""
    return RatingScale.objects.get(code=scales.DEFAULT_CODE)


def four_point_scale() -> RatingScale:
    return RatingScale.objects.get(code=scales.FOUR_POINT_CODE)


def policy_for(werkproces: Werkproces) -> Policy:
    policy = (
        AssessmentPolicy.objects.filter(kerntaak_id=werkproces.kerntaak_id).first()
        or AssessmentPolicy.objects.filter(dossier_id=werkproces.kerntaak.dossier_id).first()
    )
    if policy is None:
        return Policy(default_scale(), False, DEFAULT_MIN_SHARE_FOR_GOED, 0)
    return Policy(policy.scale, policy.four_eyes, policy.min_share_for_goed, policy.max_onvoldoende)


def levels_of(scale: RatingScale) -> list[cesuur.Level]:
    return [
        cesuur.Level(value=lv.value, label=lv.label, passing=lv.passing, descriptor=lv.descriptor)
        for lv in scale.levels.order_by("value")
    ]
