"""Fixtures for the report tests: a student with evidence, a sign-off and a vaststelling.

Imported by the test_report_* modules (not conftest.py, which other work shares)."""

import io
import re

import pytest
from pypdf import PdfReader

from assessments import services as assessment_services
from assessments.models import Vaststelling
from portfolios import services as portfolio_services
from tests.assessment_fixtures import inputs, start


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def rworld(aworld):
    """``aworld`` plus names on the people, and B1-K1-W1 assessed by the assessor."""
    for key, first, last in [
        ("student", "Sanne", "Jansen"),
        ("praktijkopleider", "Petra", "de Vries"),
        ("assessor", "Ahmed", "Bakker"),
    ]:
        user = aworld[key]
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    # The sign-off in aworld was made before the names: sign again so the name is current.
    portfolio_services.werkproces_sign_off_withdraw(
        actor=aworld["praktijkopleider"],
        enrolment=aworld["enrolment"],
        werkproces=aworld["w1"],
        reason="Naam bijgewerkt.",
    )
    portfolio_services.werkproces_sign_off(
        actor=aworld["praktijkopleider"],
        enrolment=aworld["enrolment"],
        werkproces=aworld["w1"],
        declaration="Kan het.",
    )
    beoordeling = start(aworld)
    assessment_services.scores_submit(
        assessor=aworld["assessor"],
        beoordeling=beoordeling,
        scores=inputs(aworld["criteria"], 2, 1),
        feedback="Mooi werk, let op de planning.",
    )
    return {**aworld, "vaststelling": Vaststelling.objects.get()}
