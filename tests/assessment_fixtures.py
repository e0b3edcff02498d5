"""Fixtures for the assessment tests: assigned assessors and a signed-off werkproces.

Imported by the test_assessment_* modules (not conftest.py, which other work shares).
"""

import datetime

import pytest

from assessments import policies, services
from assessments.models import Beoordeling, Vaststelling
from organisation.models import AssessorAssignment, Enrolment, User
from portfolios import services as portfolio_services
from portfolios.models import Evidence, EvidenceEvent, EvidenceLink, EvidenceVersion, SignOffEvent
from qualifications.models import Werkproces
from tests.portfolio_fixtures import make_evidence


def sign_off(world, werkproces=None):
    portfolio_services.werkproces_sign_off(
        confirm_without_evidence=True,
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=werkproces or world["w1"],
        declaration="Kan het.",
    )


@pytest.fixture
def aworld(world, make_user):
    """``world`` plus: assessor and assessor2 assigned to the student's klas, other_assessor
    assigned to nothing; a submitted and accepted bewijsstuk for B1-K1-W1, signed off."""
    assessor2 = make_user("assessor2", User.Role.ASSESSOR)
    other_assessor = make_user("other_assessor", User.Role.ASSESSOR)
    for assessor in (world["assessor"], assessor2):
        AssessorAssignment.objects.create(assessor=assessor, cohort=world["cohort"])
    evidence = make_evidence(world, submit=True)
    portfolio_services.evidence_review(
        reviewer=world["praktijkopleider"], evidence=evidence, accept=True
    )
    sign_off(world)
    criteria = list(world["w1"].criteria.filter(qualification=None).order_by("position"))
    return {
        **world,
        "assessor2": assessor2,
        "other_assessor": other_assessor,
        "evidence": evidence,
        "criteria": criteria,
    }


def start(aworld, assessor="assessor"):
    return services.beoordeling_start(
        assessor=aworld[assessor], enrolment=aworld["enrolment"], werkproces=aworld["w1"]
    )


def inputs(criteria, *values, comment="Ontbrak."):
    return {
        c.pk: services.ScoreInput(value=v, comment=comment if v == 0 else "")
        for c, v in zip(criteria, values, strict=True)
    }


def post_data(criteria, action, *values, revision=0, **extra):
    data = {"action": action, "revision": str(revision), **extra}
    for c, v in zip(criteria, values, strict=True):
        data[f"score_{c.pk}"] = "" if v is None else str(v)
        data[f"comment_{c.pk}"] = "Ontbrak." if v == 0 else ""
    return data


def add_students(aworld, count: int, start: int) -> None:
    """Students in the assessor's klas, each at another stage of B1-K1-W1."""
    w1, w2 = aworld["w1"], Werkproces.objects.get(code="B1-K1-W2")
    po = aworld["praktijkopleider"]
    scale = policies.default_scale()
    for i in range(start, start + count):
        student = User.objects.create(username=f"s{i}", role=User.Role.STUDENT)
        enrolment = Enrolment.objects.create(
            student=student,
            qualification=aworld["enrolment"].qualification,
            started_on=datetime.date(2026, 9, 1),
            cohort=aworld["cohort"],
        )
        evidence = Evidence.objects.create(
            enrolment=enrolment, werkproces=w2, title="Stuk", date=datetime.date(2026, 10, 1)
        )
        EvidenceLink.objects.create(evidence=evidence, werkproces=w2)
        version = EvidenceVersion.objects.create(
            evidence=evidence, number=1, title="Stuk", date=datetime.date(2026, 10, 1)
        )
        EvidenceEvent.objects.create(
            evidence=evidence, version=version, kind="accepted", actor=po, actor_name="po",
            actor_role="praktijkopleider",
        )  # fmt: skip
        if i % 2:
            SignOffEvent.objects.create(
                enrolment=enrolment, werkproces=w1, kind="signed", actor=po, actor_name="po",
                actor_role="praktijkopleider",
            )  # fmt: skip
        if i % 4 == 1:
            beoordeling = Beoordeling.objects.create(
                enrolment=enrolment, werkproces=w1, scale=scale, four_eyes=False,
                min_share_for_goed=0.75, max_onvoldoende=0,
            )  # fmt: skip
            Vaststelling.objects.create(
                beoordeling=beoordeling, number=1, outcome="goed", points=4, max_points=4,
                assessor_names="a", recorded_by=aworld["assessor"], recorded_by_name="a",
            )  # fmt: skip
