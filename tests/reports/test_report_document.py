"""The student report as a document a school hands over, checked in the PDF (pypdf)."""

import re

import pytest
from django.utils import timezone

from qualifications.selectors import werkprocessen_of
from reports import selectors, services
from tests.report_fixtures import pdf_text

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
NUMERIC_DATE = re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b")


def pages_text(content: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_the_report_reads_as_a_document(full_world, settings):
    rendered = services.render_student(enrolment=full_world["enrolment"], now=timezone.now())
    pages = pages_text(rendered.pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"pagina {number} van {len(pages)}" in page, (number, page[-200:])
    text = " ".join(pages)
    assert not ISO_DATE.search(text), ISO_DATE.search(text)
    assert not NUMERIC_DATE.search(text), NUMERIC_DATE.search(text)
    assert "Testcollege" in text and "00AB" in text
    assert "Studentnummer student" in text  # the student's number (login name)
    assert "crebo 90011" in text and "niveau 2" in text
    assert "VZ-2A" in text and "Mentor docent" in text
    assert "Zorghuis De Linde" in text
    for wp in werkprocessen_of(full_world["enrolment"].qualification):
        assert wp.code in text
    # Niet uitvoerbaar is shown as such, with its reason, not as "no evidence yet".
    assert "Niet uitvoerbaar bij Zorghuis De Linde: Geen wondzorg op deze afdeling." in text
    # The current version first, the replaced one after it, marked, with the reason.
    current = text.index("(versie 2)")
    replaced = text.index("VERVANGEN")
    assert current < replaced
    assert "versie 1 van" in text[replaced:]
    assert "reden: Tweede gedrag opnieuw bekeken na gesprek." in text
    assert "Na de correctie: planning is nu in orde." in text
    assert "Afgetekend door Petra de Vries op" in text
    assert "Aftekening ingetrokken door Petra de Vries op" in text
    assert "Conclusie" in text and "Ondertekening" in text and "Handtekening" in text
    today = timezone.localdate()
    months = "januari februari maart april mei juni juli augustus september oktober november"
    month = ([*months.split(), "december"])[today.month - 1]
    assert f"{today.day} {month} {today.year}" in text


def test_the_logo_is_the_one_thing_besides_static_files_that_is_loaded(full_world):
    from reports import rendering
    from reports.fetcher import BASE_URL, StaticOnlyFetcher

    data = selectors.student_report_data(enrolment=full_world["enrolment"])
    logo = selectors.school_logo(data)
    assert logo is not None and logo[1] == "image/png"
    html = rendering.student_report_html(
        data, fingerprint="0" * 64, job_id=None, generated_at=timezone.now(), logo=True
    )
    fetcher = StaticOnlyFetcher({selectors.LOGO_URL: logo})
    rendering.html_to_pdf(html, fetcher)
    assert sorted(fetcher.fetched) == sorted(
        [BASE_URL + "static/reports/report.css", selectors.LOGO_URL]
    )


def test_a_logo_that_is_not_an_image_is_left_out(full_world):
    from django.core.files.base import ContentFile

    school = full_world["cohort"].school
    school.logo.save("logo.png", ContentFile(b"<svg onload=alert(1)>"), save=True)
    data = selectors.student_report_data(enrolment=full_world["enrolment"])
    assert selectors.school_logo(data) is None
    assert "Testcollege" in pdf_text(services.render_student(enrolment=full_world["enrolment"]).pdf)


def test_a_students_data_costs_a_fixed_number_of_queries(full_world, django_assert_num_queries):
    """Every round trip counts against the render time (benchmarks/bench_reports.py): the
    enrolment as the worker reads it, then one query each for werkprocessen, progress, the
    linked bewijs, sign-offs, feasibility, results (+ their scores), BPV and mentors."""
    from organisation.models import Enrolment

    enrolment = Enrolment.objects.select_related(*selectors.REPORT_RELATED).get(
        pk=full_world["enrolment"].pk
    )
    with django_assert_num_queries(9):
        data = selectors.student_report_data(enrolment=enrolment)
    assert data["kerntaken"] and any(
        wp["results"] for kt in data["kerntaken"] for wp in kt["werkprocessen"]
    )
