"""Show assessed outcomes on pages of other apps (the portfolio).

The portfolio belongs to portfolios/, which may not import assessments/, so the page asks
through this tag. It reads in one query what progress_for() calls ASSESSED: the newest
vaststelling of each beoordeling of this student, scoped by result_enrolments(user).
"""

from django import template

from ..models import Vaststelling
from ..permissions import result_enrolments
from ..selectors import ProgressState, Stage

register = template.Library()


@register.simple_tag(takes_context=True)
def assessed_outcomes(context, enrolment) -> dict:
    """{werkproces id: ProgressState} of the vastgestelde beoordelingen of this student, or
    nothing for someone who may not read results (e.g. the praktijkopleider)."""
    user = context["request"].user
    newest_last = (
        Vaststelling.objects.filter(
            beoordeling__enrolment=enrolment,
            beoordeling__enrolment__in=result_enrolments(user).values("pk"),
        )
        .order_by("beoordeling_id", "number")
        .values_list("beoordeling__werkproces_id", "outcome")
    )
    return {
        werkproces_id: ProgressState(Stage.ASSESSED, outcome)
        for werkproces_id, outcome in newest_last
    }


@register.filter
def outcome_for(outcomes: dict, werkproces_id):
    return outcomes.get(werkproces_id)
