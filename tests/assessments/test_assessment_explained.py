"""The assessor's page and the student's result explain themselves: tagged gedrag per
criterion, the scale as it is, the cesuur in one sentence and the next step."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import cesuur, policies, services
from assessments.models import AssessmentPolicy, CrucialCriterion
from portfolios import services as portfolio_services
from qualifications.models import Werkproces
from tests.assessment_fixtures import inputs, start

pytestmark = pytest.mark.django_db


def results_page(client, aworld, who="student"):
    client.force_login(aworld[who])
    response = client.get(reverse("assessments:results", args=[aworld["enrolment"].pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_voldoende_names_points_threshold_and_crucial_rule(client, aworld):
    criteria = aworld["criteria"]
    AssessmentPolicy.objects.create(
        kerntaak=aworld["w1"].kerntaak, scale=policies.four_point_scale(),
        min_share_for_goed=Decimal("0.8"),
    )  # fmt: skip
    services.scores_submit(
        assessor=aworld["assessor"], beoordeling=start(aworld), scores=inputs(criteria, 2, 2)
    )
    body = results_page(client, aworld)
    # 4 of 6 points; goed from 0.8 × 6 = 4.8, so 5 points: computed, not typed.
    assert (
        "Voldoende: je haalde 4 van 6 punten; voor goed waren 5 punten nodig, alle cruciale "
        "criteria zijn voldoende en geen criterium is onvoldoende." in body
    )
    assert "Volgende stap: dit werkproces is klaar" in body
    staff = results_page(client, aworld, "docent")
    assert "Voldoende: 4 van 6 punten" in staff and "je haalde" not in staff


def test_onvoldoende_by_a_crucial_criterion_says_so(client, aworld):
    criteria = aworld["criteria"]
    AssessmentPolicy.objects.create(
        kerntaak=aworld["w1"].kerntaak, scale=policies.four_point_scale(), max_onvoldoende=1
    )
    CrucialCriterion.objects.create(criterion=criteria[0])
    services.scores_submit(
        assessor=aworld["assessor"], beoordeling=start(aworld), scores=inputs(criteria, 0, 3)
    )
    body = results_page(client, aworld)
    assert "Onvoldoende: het cruciale criterium „werkt nauwkeurig;” is onvoldoende" in body
    assert "(3 van 6)" in body
    assert "Volgende stap: lees de toelichting bij de onvoldoende criteria" in body


def test_explain_follows_outcome_of_for_every_case():
    levels = policies.levels_of(policies.four_point_scale())
    for values in [(0, 0), (0, 3), (1, 3), (2, 2), (3, 3), (2, 3)]:
        for allowed in (0, 1):
            scores = [cesuur.Score(i, v, crucial=i == 0) for i, v in enumerate(values)]
            result = cesuur.outcome_of(
                levels=levels, scores=scores, min_share_for_goed=Decimal("0.75"),
                max_onvoldoende=allowed,
            )  # fmt: skip
            passing = {lv.value: lv.passing for lv in levels}
            sentence = cesuur.explain(
                outcome=result.outcome, points=result.points, max_points=result.max_points,
                scores=[cesuur.Judged(f"c{s.criterion_id}", passing[s.value], s.crucial)
                        for s in scores],
                min_share_for_goed=Decimal("0.75"), max_onvoldoende=allowed, own=True,
            )  # fmt: skip
            assert sentence.lower().startswith(result.outcome), (values, allowed, sentence)
            assert f"{result.points} van {result.max_points}" in sentence


def test_scale_shows_descriptors_only_where_they_exist(client, aworld):
    client.force_login(aworld["assessor"])
    body = client.get(
        reverse("assessments:beoordeling", args=[aworld["enrolment"].pk, "B1-K1-W1"])
    ).content.decode()
    scale = re.search(r'<ul class="list-unstyled small scale">.*?</ul>', body, re.S).group(0)
    assert "(onvoldoende)" not in scale
    assert "—" not in scale
    for level in policies.levels_of(policies.default_scale()):
        assert f"{level.value} – {level.label}" in scale
        if level.descriptor:
            assert level.descriptor in scale


def test_assessor_sees_gedrag_tagged_under_another_linked_werkproces(client, aworld):
    """A bewijsstuk whose main werkproces is elsewhere but which the student also linked to
    B1-K1-W1 with a gedrag shows under that criterion (EvidenceVersionLink)."""
    w2 = Werkproces.objects.get(code="B1-K1-W2")
    criterion = aworld["criteria"][1]
    evidence = portfolio_services.evidence_create(
        student=aworld["student"], enrolment=aworld["enrolment"], werkproces=w2,
        title="Overdracht op de afdeling", reflection="r", date=aworld["evidence"].date,
        links=["https://example.invalid/x"],
        werkprocessen={w2: [], aworld["w1"]: [criterion]},
    )  # fmt: skip
    portfolio_services.evidence_submit(student=aworld["student"], evidence=evidence)
    client.force_login(aworld["assessor"])
    body = client.get(
        reverse("assessments:beoordeling", args=[aworld["enrolment"].pk, "B1-K1-W1"])
    ).content.decode()
    fieldsets = re.findall(r'<fieldset class="criterion.*?</fieldset>', body, re.S)
    tagged = [f for f in fieldsets if "Overdracht op de afdeling" in f]
    assert len(tagged) == 1 and "communiceert helder" in tagged[0]
