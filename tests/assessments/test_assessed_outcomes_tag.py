"""The portfolio's assessed outcomes (assessment_tags.assessed_outcomes): one query, the
newest vaststelling of each beoordeling, the same as progress_for() says, and nothing for
someone who may not read results."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import policies
from assessments.models import Beoordeling, Vaststelling
from assessments.selectors import Stage, progress_for
from assessments.templatetags.assessment_tags import assessed_outcomes

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(aworld):
    beoordeling = Beoordeling.objects.create(
        enrolment=aworld["enrolment"], werkproces=aworld["w1"], scale=policies.default_scale(),
        four_eyes=False, min_share_for_goed=0.75, max_onvoldoende=0,
    )  # fmt: skip
    for number, outcome in ((1, "onvoldoende"), (2, "goed")):  # a correction: 2 counts
        Vaststelling.objects.create(
            beoordeling=beoordeling, number=number, outcome=outcome, points=4, max_points=4,
            assessor_names="a", recorded_by=aworld["assessor"], recorded_by_name="a",
            reason="Herziening na bezwaar." if number > 1 else "",
        )  # fmt: skip
    return aworld


def _tag(user, enrolment):
    context = {"request": SimpleNamespace(user=user)}
    with CaptureQueriesContext(connection) as ctx:
        outcomes = assessed_outcomes(context, enrolment)
    return len(ctx.captured_queries), outcomes


@pytest.mark.parametrize("reader", ["student", "docent", "assessor"])
def test_one_query_and_the_same_as_progress_for(assessed, reader):
    enrolment = assessed["enrolment"]
    queries, outcomes = _tag(assessed[reader], enrolment)
    expected = {
        wp: state
        for (_e, wp), state in progress_for(enrolments=[enrolment]).items()
        if state.stage == Stage.ASSESSED
    }
    assert queries == 1
    assert outcomes == expected
    assert outcomes[assessed["w1"].pk].outcome == "goed"


def test_nothing_for_who_may_not_read_results(assessed, client):
    queries, outcomes = _tag(assessed["praktijkopleider"], assessed["enrolment"])
    assert queries <= 1 and outcomes == {}  # no query at all when nothing is readable
    client.force_login(assessed["praktijkopleider"])
    page = client.get(reverse("portfolios:portfolio", args=[assessed["enrolment"].pk]))
    assert page.status_code == 200 and "Beoordeeld: goed" not in page.content.decode()
    client.force_login(assessed["student"])
    page = client.get(reverse("portfolios:portfolio", args=[assessed["enrolment"].pk]))
    assert "Beoordeeld: goed" in page.content.decode()
