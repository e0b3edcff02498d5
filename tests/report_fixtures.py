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
        confirm_without_evidence=True,
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


def png_logo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 120), "#1f3b63")
    ImageDraw.Draw(image).rectangle([20, 20, 100, 100], fill="#f2b705")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def full_world(rworld):
    """``rworld`` plus what a handed-over report must show: the school's logo, a corrected
    beoordeling (version 1 replaced, with a reason), a werkproces that is niet uitvoerbaar
    at the leerbedrijf, and a withdrawn sign-off (rworld made one)."""
    from django.core.files.base import ContentFile

    from portfolios.models import FeasibilityEvent

    school = rworld["cohort"].school
    school.brin = "00AB"
    school.logo.save("logo.png", ContentFile(png_logo()), save=True)
    v1 = rworld["vaststelling"]
    v2 = assessment_services.vaststelling_correct(
        assessor=rworld["assessor"],
        beoordeling=v1.beoordeling,
        scores=inputs(rworld["criteria"], 2, 2),
        reason="Tweede gedrag opnieuw bekeken na gesprek.",
        based_on=1,
        feedback="Na de correctie: planning is nu in orde.",
    )
    w2 = rworld["w1"].kerntaak.werkprocessen.get(code="B1-K1-W2")
    event = portfolio_services.werkproces_set_feasibility(
        actor=rworld["praktijkopleider"],
        enrolment=rworld["enrolment"],
        werkproces=w2,
        feasible=False,
        reason="Geen wondzorg op deze afdeling.",
    )
    assert event.kind == FeasibilityEvent.Kind.NOT_FEASIBLE
    return {**rworld, "v1": v1, "v2": v2, "w2": w2}
