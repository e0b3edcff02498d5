"""progress_for() and the pages built on it run a fixed number of queries, however many
students: one query per kind of fact, never one per student or werkproces."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.selectors import Stage, progress_for
from organisation.models import Enrolment
from qualifications.models import Werkproces
from tests.assessment_fixtures import add_students

pytestmark = pytest.mark.django_db


def count(func) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        result = func()
    return len(ctx.captured_queries), result


def test_progress_for_is_constant_and_right(aworld):
    add_students(aworld, 5, 0)
    enrolments = list(Enrolment.objects.all())
    small, progress = count(lambda: progress_for(enrolments=enrolments))
    add_students(aworld, 45, 5)
    enrolments = list(Enrolment.objects.all())
    large, progress = count(lambda: progress_for(enrolments=enrolments))
    assert small == large <= 5
    w1 = aworld["w1"].pk
    w2 = Werkproces.objects.get(code="B1-K1-W2").pk
    p1 = Werkproces.objects.get(code="P1-K1-W1").pk
    by_name = {e.student.username: e.pk for e in Enrolment.objects.select_related("student")}
    assert progress[(by_name["s1"], w1)].stage == Stage.ASSESSED
    assert progress[(by_name["s1"], w1)].outcome == "goed"
    assert progress[(by_name["s3"], w1)].stage == Stage.SIGNED_OFF
    assert progress[(by_name["s2"], w1)].stage == Stage.NO_EVIDENCE
    assert progress[(by_name["s2"], w2)].stage == Stage.ACCEPTED
    assert progress[(by_name["student"], w1)].stage == Stage.SIGNED_OFF
    assert progress[(by_name["student2"], w1)].stage == Stage.NO_EVIDENCE
    # Only the werkprocessen of each student's own kwalificatie: P1's, not P2's.
    assert (by_name["s2"], p1) in progress
    assert not any(wp == Werkproces.objects.get(code="P2-K1-W1").pk for _e, wp in progress)


def test_submitted_and_returned_evidence_count_as_submitted(aworld):
    from tests.portfolio_fixtures import make_evidence

    make_evidence(aworld, student="student2", submit=True)
    progress = progress_for(enrolments=[aworld["enrolment2"]])
    assert progress[(aworld["enrolment2"].pk, aworld["w1"].pk)].stage == Stage.SUBMITTED


@pytest.mark.parametrize("url_name", ["assessments:queue", "assessments:results_list"])
def test_pages_are_constant(client, aworld, url_name):
    user = aworld["assessor"] if url_name == "assessments:queue" else aworld["docent"]
    client.force_login(user)
    add_students(aworld, 5, 0)
    small, _ = count(lambda: client.get(reverse(url_name)))
    add_students(aworld, 45, 5)
    large, response = count(lambda: client.get(reverse(url_name)))
    assert response.status_code == 200
    assert small == large
    if url_name == "assessments:queue":
        # Signed off, not yet assessed: 12 of the others, and the student; each row names
        # the code twice (link and address).
        assert response.content.decode().count("B1-K1-W1") == 2 * 13


def test_beoordeling_and_results_pages_are_constant(client, aworld):
    from tests.assessment_fixtures import inputs, start
    from tests.portfolio_fixtures import make_evidence

    criteria = aworld["criteria"]
    beoordeling = start(aworld)
    services.scores_submit(
        assessor=aworld["assessor"], beoordeling=beoordeling, scores=inputs(criteria, 1, 1)
    )
    pages = [
        (aworld["assessor"], reverse("assessments:beoordeling", args=[aworld["enrolment"].pk,
                                                                      "B1-K1-W1"])),
        (aworld["student"], reverse("assessments:results", args=[aworld["enrolment"].pk])),
    ]  # fmt: skip

    def measure():
        counts = []
        for user, url in pages:
            client.force_login(user)
            n, response = count(lambda url=url: client.get(url))
            assert response.status_code == 200
            counts.append(n)
        return counts

    small = measure()
    for number in range(2, 7):
        services.vaststelling_correct(
            assessor=aworld["assessor"], beoordeling=beoordeling, scores=inputs(criteria, 2, 1),
            reason=f"Correctie {number}", based_on=number - 1,
        )  # fmt: skip
        make_evidence(aworld, title=f"Stuk {number}", submit=True)
    assert measure() == small
