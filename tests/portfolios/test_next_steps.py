""" "Wat nu?" is one list: the student and their mentor read the same steps, each in their own
words; a werkproces marked niet uitvoerbaar is on both (the student's used to omit it)."""

import re

import pytest
from django.urls import reverse

from portfolios import services
from portfolios.models import Evidence
from portfolios.selectors import portfolio_for
from qualifications.models import Werkproces
from tests.portfolio_fixtures import make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(world):
    """Returned evidence on B1-K1-W1, B1-K1-W2 niet uitvoerbaar, a private draft, and
    P1-K1-W1 still empty."""
    returned = make_evidence(world, title="Verslag wondzorg", submit=True)
    services.evidence_review(
        reviewer=world["praktijkopleider"], evidence=returned, accept=False, feedback="Meer"
    )
    make_evidence(world, title="Mijn kladje")
    w2 = Werkproces.objects.get(code="B1-K1-W2")
    services.werkproces_set_feasibility(
        actor=world["praktijkopleider"], enrolment=world["enrolment"], werkproces=w2,
        feasible=False, reason="Geen wondzorg hier.",
    )  # fmt: skip
    return world


def steps(world, who):
    return portfolio_for(user=world[who], enrolment=world["enrolment"]).next_steps


def test_student_and_mentor_read_the_same_steps(busy):
    student = steps(busy, "student")
    mentor = steps(busy, "docent")
    draft = Evidence.objects.get(title="Mijn kladje")
    draft_url = reverse("portfolios:evidence", args=[draft.pk])
    # The same steps in the same order; only the student's own draft is theirs alone.
    assert [s.url for s in student if s.url != draft_url] == [s.url for s in mentor]
    assert draft_url in [s.url for s in student]
    texts = [s.text for s in student]
    assert texts[0].startswith("B1-K1-W2 kan niet bij Zorghuis De Linde")  # blocking first
    assert "Verbeter „Verslag wondzorg” en dien het opnieuw in." in texts
    mentor_texts = [s.text for s in mentor]
    assert mentor_texts[0].startswith("B1-K1-W2 is niet uitvoerbaar bij Zorghuis De Linde")
    assert any("verbetert „Verslag wondzorg”" in t for t in mentor_texts)
    assert all(" je " not in f" {t} " for t in mentor_texts)


@pytest.mark.parametrize("who", ["student", "docent"])
def test_the_page_shows_the_not_feasible_step(client, busy, who):
    client.force_login(busy[who])
    page = client.get(reverse("portfolios:portfolio", args=[busy["enrolment"].pk]))
    section = re.search(r'id="next-heading".*?</section>', page.content.decode(), re.S).group(0)
    assert "B1-K1-W2" in section and "Zorghuis De Linde" in section


def test_praktijkopleider_gets_their_own_work(busy):
    texts = [s.text for s in steps(busy, "praktijkopleider")]
    assert not any("Verbeter" in t for t in texts)
