"""Show assessed outcomes on pages of other apps (the portfolio), from progress_for()."""

from django import template

from ..permissions import result_enrolments
from ..selectors import Stage, progress_for

register = template.Library()


@register.simple_tag(takes_context=True)
def assessed_outcomes(context, enrolment) -> dict:
    """{werkproces id: ProgressState} of the vastgestelde beoordelingen of this student, or
    nothing for someone who may not read results (e.g. the praktijkopleider)."""
    user = context["request"].user
    if not result_enrolments(user).filter(pk=enrolment.pk).exists():
        return {}
    return {
        werkproces_id: state
        for (_e, werkproces_id), state in progress_for(enrolments=[enrolment]).items()
        if state.stage == Stage.ASSESSED
    }


@register.filter
def outcome_for(outcomes: dict, werkproces_id):
    return outcomes.get(werkproces_id)
