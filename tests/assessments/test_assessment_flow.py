"""Scoring, vaststelling, 4-ogen, corrections and stale saves, through services and views."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import policies, services
from assessments.models import (
    AssessmentPolicy,
    Beoordeling,
    CrucialCriterion,
    FinalScore,
    Submission,
    Vaststelling,
)
from portfolios import services as portfolio_services
from qualifications.models import Werkproces
from tests.assessment_fixtures import inputs, post_data, start

pytestmark = pytest.mark.django_db


def url(aworld):
    return reverse("assessments:beoordeling", args=[aworld["enrolment"].pk, "B1-K1-W1"])


def four_eyes(aworld):
    AssessmentPolicy.objects.create(
        kerntaak=aworld["w1"].kerntaak, scale=policies.default_scale(), four_eyes=True
    )


def test_assessor_sees_exactly_the_criteria_of_the_kwalificatie(client, aworld):
    client.force_login(aworld["assessor"])
    response = client.get(url(aworld))
    assert response.status_code == 200
    body = response.content.decode()
    assert "werkt nauwkeurig" in body and "communiceert helder" in body
    assert "GEHEIM-P2" not in body  # an addition of another profiel
    assert "Verslag wondzorg" in body  # the evidence
    assert "Kan het." in body  # the praktijkopleider's sign-off


def test_single_assessor_scores_and_finalises(client, aworld):
    client.force_login(aworld["assessor"])
    criteria = aworld["criteria"]
    response = client.post(url(aworld), post_data(criteria, "submit", 2, 2, feedback="Mooi werk."))
    assert response.status_code == 302
    vaststelling = Vaststelling.objects.get()
    assert (vaststelling.number, vaststelling.outcome, vaststelling.points) == (1, "goed", 4)
    assert vaststelling.assessor_names == "assessor"
    assert vaststelling.feedback == "Mooi werk."
    assert FinalScore.objects.filter(vaststelling=vaststelling).count() == 2
    # Final means final: scoring again is refused, and says what was recorded.
    with pytest.raises(services.StaleEdit):
        services.scores_submit(
            assessor=aworld["assessor2"],
            beoordeling=vaststelling.beoordeling,
            scores=inputs(criteria, 1, 1),
        )
    # The student sees the result and the feedback.
    client.force_login(aworld["student"])
    response = client.get(reverse("assessments:results", args=[aworld["enrolment"].pk]))
    assert "Goed" in response.content.decode() and "Mooi werk." in response.content.decode()


def test_outcome_is_computed_never_typed(client, aworld):
    client.force_login(aworld["assessor"])
    data = post_data(aworld["criteria"], "submit", 1, 1) | {"outcome": "goed"}
    client.post(url(aworld), data)
    assert Vaststelling.objects.get().outcome == "voldoende"


def test_onvoldoende_needs_a_comment(client, aworld):
    client.force_login(aworld["assessor"])
    data = post_data(aworld["criteria"], "submit", 0, 2)
    data[f"comment_{aworld['criteria'][0].pk}"] = ""
    response = client.post(url(aworld), data)
    assert response.status_code == 400
    assert "Licht een onvoldoende toe" in response.content.decode()
    assert not Vaststelling.objects.exists()


def test_incomplete_scores_are_refused_but_a_draft_may_be_incomplete(client, aworld):
    client.force_login(aworld["assessor"])
    response = client.post(url(aworld), post_data(aworld["criteria"], "submit", 2, None))
    assert response.status_code == 400
    assert not Submission.objects.exists()
    response = client.post(url(aworld), post_data(aworld["criteria"], "save", 2, None))
    assert response.status_code == 302
    response = client.get(url(aworld))
    assert 'value="2" class="form-check-input"' in response.content.decode().replace(" checked", "")


def test_knock_out_criterion_makes_werkproces_onvoldoende(aworld):
    criteria = aworld["criteria"]
    AssessmentPolicy.objects.create(
        kerntaak=aworld["w1"].kerntaak, scale=policies.four_point_scale(), max_onvoldoende=1
    )
    CrucialCriterion.objects.create(criterion=criteria[0])
    beoordeling = start(aworld)
    services.scores_submit(
        assessor=aworld["assessor"], beoordeling=beoordeling, scores=inputs(criteria, 0, 3)
    )
    vaststelling = Vaststelling.objects.get()
    assert vaststelling.outcome == "onvoldoende"
    assert vaststelling.max_points == 6
    assert FinalScore.objects.get(criterion=criteria[0]).crucial


def test_assessing_waits_for_the_sign_off(aworld):
    other = Werkproces.objects.get(code="B1-K1-W2")
    with pytest.raises(ValidationError):
        services.beoordeling_start(
            assessor=aworld["assessor"], enrolment=aworld["enrolment"], werkproces=other
        )


def test_policy_is_copied_when_the_beoordeling_begins(aworld):
    beoordeling = start(aworld)
    AssessmentPolicy.objects.create(
        dossier=aworld["w1"].kerntaak.dossier, scale=policies.four_point_scale(), four_eyes=True
    )
    beoordeling.refresh_from_db()
    assert not beoordeling.four_eyes
    assert beoordeling.scale.code == "standaard"


def test_blind_four_eyes_flow(client, aworld):
    four_eyes(aworld)
    criteria = aworld["criteria"]
    client.force_login(aworld["assessor"])
    client.post(url(aworld), post_data(criteria, "submit", 2, 1))
    assert Submission.objects.count() == 1
    assert not Vaststelling.objects.exists()
    # The second assessor cannot see the first one's scores before handing in their own.
    client.force_login(aworld["assessor2"])
    body = client.get(url(aworld)).content.decode()
    assert "Scores van beide assessoren" not in body
    assert 'value="2" class="form-check-input" id="id_score_' in body  # empty radios
    assert "checked" not in body
    client.post(url(aworld), post_data(criteria, "submit", 2, 2))
    body = client.get(url(aworld)).content.decode()
    assert "Scores van beide assessoren" in body
    assert body.count('class="table-warning differs"') == 1
    # A third assessor cannot hand in as well.
    third = aworld["other_assessor"]
    from organisation.models import AssessorAssignment

    AssessorAssignment.objects.create(assessor=third, cohort=aworld["cohort"])
    with pytest.raises(ValidationError):
        services.scores_submit(
            assessor=third, beoordeling=Beoordeling.objects.get(), scores=inputs(criteria, 1, 1)
        )
    response = client.post(url(aworld), post_data(criteria, "agree", 2, 2, feedback="Samen."))
    assert response.status_code == 302
    vaststelling = Vaststelling.objects.get()
    assert vaststelling.assessor_names == "assessor en assessor2"
    assert vaststelling.recorded_by == aworld["assessor2"]
    assert vaststelling.outcome == "goed"


def test_only_the_two_assessors_record_the_vaststelling(aworld):
    four_eyes(aworld)
    criteria = aworld["criteria"]
    beoordeling = start(aworld)
    for name in ("assessor", "assessor2"):
        services.scores_submit(
            assessor=aworld[name], beoordeling=beoordeling, scores=inputs(criteria, 1, 1)
        )
    from organisation.models import AssessorAssignment

    AssessorAssignment.objects.create(assessor=aworld["other_assessor"], cohort=aworld["cohort"])
    with pytest.raises(services.PermissionDenied):
        services.vaststelling_record(
            assessor=aworld["other_assessor"],
            beoordeling=beoordeling,
            scores=inputs(criteria, 1, 1),
        )


def test_vaststelling_before_both_handed_in_is_refused(aworld):
    four_eyes(aworld)
    beoordeling = start(aworld)
    services.scores_submit(
        assessor=aworld["assessor"],
        beoordeling=beoordeling,
        scores=inputs(aworld["criteria"], 1, 1),
    )
    with pytest.raises(ValidationError):
        services.vaststelling_record(
            assessor=aworld["assessor"],
            beoordeling=beoordeling,
            scores=inputs(aworld["criteria"], 1, 1),
        )


def test_correction_makes_a_new_version_with_its_reason(client, aworld):
    criteria = aworld["criteria"]
    beoordeling = start(aworld)
    services.scores_submit(
        assessor=aworld["assessor"], beoordeling=beoordeling, scores=inputs(criteria, 1, 1)
    )
    client.force_login(aworld["assessor2"])
    response = client.post(url(aworld), post_data(criteria, "correct", 2, 2, revision=1))
    assert response.status_code == 400  # a reason is required
    response = client.post(
        url(aworld),
        post_data(criteria, "correct", 2, 2, revision=1, reason="Verkeerd bewijs bekeken."),
    )
    assert response.status_code == 302
    v1, v2 = Vaststelling.objects.order_by("number")
    assert (v1.outcome, v2.outcome) == ("voldoende", "goed")
    assert v2.reason == "Verkeerd bewijs bekeken."
    assert v2.recorded_by == aworld["assessor2"]
    # Both versions are kept and shown.
    body = client.get(url(aworld)).content.decode()
    assert "Verkeerd bewijs bekeken." in body
    client.force_login(aworld["student"])
    body = client.get(reverse("assessments:results", args=[aworld["enrolment"].pk])).content
    assert "Gecorrigeerd:" in body.decode()


def test_stale_correction_is_refused_and_shows_what_changed(client, aworld):
    criteria = aworld["criteria"]
    beoordeling = start(aworld)
    services.scores_submit(
        assessor=aworld["assessor"], beoordeling=beoordeling, scores=inputs(criteria, 1, 1)
    )
    # Both open version 1; assessor2 corrects first.
    services.vaststelling_correct(
        assessor=aworld["assessor2"],
        beoordeling=beoordeling,
        scores=inputs(criteria, 2, 1),
        reason="Eerste correctie",
        based_on=1,
    )
    client.force_login(aworld["assessor"])
    data = post_data(criteria, "correct", 1, 2, revision=1, reason="Tweede correctie")
    response = client.post(url(aworld), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Intussen is er iets anders bewaard" in body
    assert "Eerste correctie" in body
    assert "Tweede correctie" in body  # the user's input is kept
    assert Vaststelling.objects.count() == 2
    # Saving again, now knowingly based on version 2, goes through.
    response = client.post(url(aworld), data | {"revision": "2"})
    assert response.status_code == 302
    assert Vaststelling.objects.count() == 3


def test_stale_draft_save_loses_nothing(client, aworld):
    criteria = aworld["criteria"]
    beoordeling = start(aworld)
    first = services.draft_save(
        assessor=aworld["assessor"], beoordeling=beoordeling, scores=inputs(criteria, 1, 1),
        revision=0,
    )  # fmt: skip
    assert first.revision == 1
    services.draft_save(
        assessor=aworld["assessor"], beoordeling=beoordeling, scores=inputs(criteria, 2, 2),
        revision=1,
    )  # fmt: skip
    with pytest.raises(services.StaleEdit) as exc:
        services.draft_save(
            assessor=aworld["assessor"], beoordeling=beoordeling,
            scores=inputs(criteria, 0, 0), revision=1,
        )  # fmt: skip
    assert exc.value.current[criteria[0].pk] == (2, "")
    client.force_login(aworld["assessor"])
    response = client.post(url(aworld), post_data(criteria, "save", 1, 1, revision=1))
    assert response.status_code == 409
    assert "Intussen is er iets anders bewaard" in response.content.decode()


def test_unassigned_assessor_cannot_use_the_services(aworld):
    beoordeling = start(aworld)
    with pytest.raises(services.PermissionDenied):
        services.scores_submit(
            assessor=aworld["other_assessor"],
            beoordeling=beoordeling,
            scores=inputs(aworld["criteria"], 1, 1),
        )


def test_queue_lists_signed_off_werkprocessen_until_vastgesteld(client, aworld):
    client.force_login(aworld["assessor"])
    body = client.get(reverse("assessments:queue")).content.decode()
    assert "B1-K1-W1" in body and "B1-K1-W2" not in body
    services.scores_submit(
        assessor=aworld["assessor"],
        beoordeling=start(aworld),
        scores=inputs(aworld["criteria"], 1, 1),
    )
    body = client.get(reverse("assessments:queue")).content.decode()
    assert "B1-K1-W1" not in body


def test_withdrawn_sign_off_leaves_the_queue(client, aworld):
    portfolio_services.werkproces_sign_off_withdraw(
        actor=aworld["praktijkopleider"],
        enrolment=aworld["enrolment"],
        werkproces=aworld["w1"],
        reason="Te vroeg",
    )
    client.force_login(aworld["assessor"])
    assert "B1-K1-W1" not in client.get(reverse("assessments:queue")).content.decode()


def test_portfolio_page_shows_the_outcome_to_result_readers_only(client, aworld):
    services.scores_submit(
        assessor=aworld["assessor"],
        beoordeling=start(aworld),
        scores=inputs(aworld["criteria"], 2, 2),
    )
    url = reverse("portfolios:portfolio", args=[aworld["enrolment"].pk])
    for role in ("student", "docent"):
        client.force_login(aworld[role])
        assert "Beoordeeld: goed" in client.get(url).content.decode()
    client.force_login(aworld["praktijkopleider"])
    assert "Beoordeeld: goed" not in client.get(url).content.decode()


def test_second_vaststelling_of_the_same_round_is_stale(client, aworld):
    four_eyes(aworld)
    criteria = aworld["criteria"]
    beoordeling = start(aworld)
    for name in ("assessor", "assessor2"):
        services.scores_submit(
            assessor=aworld[name], beoordeling=beoordeling, scores=inputs(criteria, 1, 2)
        )
    services.vaststelling_record(
        assessor=aworld["assessor2"], beoordeling=beoordeling, scores=inputs(criteria, 1, 2)
    )
    client.force_login(aworld["assessor"])
    response = client.post(url(aworld), post_data(criteria, "agree", 2, 2))
    assert response.status_code == 409
    body = response.content.decode()
    assert "De beoordeling is intussen vastgesteld." in body
    assert "Correctie vastleggen" in body
    assert Vaststelling.objects.count() == 1


def test_late_single_assessor_is_told_what_was_recorded(client, aworld):
    criteria = aworld["criteria"]
    client.force_login(aworld["assessor"])
    client.get(url(aworld))  # both open the form
    client.force_login(aworld["assessor2"])
    client.post(url(aworld), post_data(criteria, "submit", 2, 2))
    client.force_login(aworld["assessor"])
    response = client.post(url(aworld), post_data(criteria, "submit", 1, 1))
    assert response.status_code == 409
    body = response.content.decode()
    assert "De beoordeling is intussen vastgesteld." in body
    assert "2 – Goed" in body and "1 – Voldoende" in body
    assert Vaststelling.objects.count() == 1
