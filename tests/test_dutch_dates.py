"""One date format everywhere: the demo's pages, exports and a PDF show dates as Dutch readers
write them ("1 december 2026", with a time "1 december 2026 14:05"), never as ISO dates,
numeric dates or abbreviated months."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from organisation.models import Cohort, Enrolment, User
from reports import services as report_services
from tests.report_fixtures import pdf_text

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
NUMERIC = re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b")
ABBREVIATED = re.compile(
    r"\b\d{1,2} (jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec)\.? \d{4}\b", re.I
)
MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
DUTCH = re.compile(rf"\b\d{{1,2}} ({MONTHS}) \d{{4}}\b")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)  # attributes (datetime="2026-...") are for machines
    return re.sub(r"\s+", " ", html)


def assert_one_format(text: str, where: str) -> None:
    for pattern in (ISO, NUMERIC, ABBREVIATED):
        found = pattern.findall(text)
        assert not found, f"{where}: {pattern.pattern} found {found[:5]}"


@pytest.fixture
def demo(media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--students", "4")


def pages_of(client, username: str) -> list[str]:
    user = User.objects.get(username=username)
    client.force_login(user)
    urls = [reverse("portfolios:list"), reverse("reports:list")]
    if user.role == User.Role.STUDENT:
        enrolment = Enrolment.objects.filter(student=user).first()
        urls += [
            reverse("portfolios:portfolio", args=[enrolment.pk]),
            reverse("assessments:results", args=[enrolment.pk]),
        ]
        urls += [reverse("portfolios:evidence", args=[e.pk]) for e in enrolment.evidence.all()[:3]]
    if user.role == User.Role.PRAKTIJKOPLEIDER:
        urls.append(reverse("portfolios:inbox"))
    if user.role == User.Role.DOCENT:
        urls += [reverse("dashboards:cohort_dashboard", args=[c.pk]) for c in Cohort.objects.all()]
    if user.role == User.Role.ASSESSOR:
        urls.append(reverse("assessments:queue"))
        assessed = Enrolment.objects.filter(beoordelingen__vaststellingen__isnull=False)
        urls += [reverse("assessments:results", args=[e.pk]) for e in assessed.distinct()[:3]]
    return urls


@pytest.mark.parametrize("username", ["student", "praktijkopleider", "docent", "assessor"])
def test_demo_pages_show_one_date_format(client, demo, username):
    seen_dates = 0
    for url in pages_of(client, username):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert_one_format(text, url)
        seen_dates += len(DUTCH.findall(text))
    if username != "assessor":  # the demo has nothing vastgesteld yet: the queue shows no date
        assert seen_dates > 0, "no date at all on these pages: the test would prove nothing"


def test_exports_and_pdf_show_one_date_format(client, demo, django_capture_on_commit_callbacks):
    docent = User.objects.get(username="docent")
    client.force_login(docent)
    cohort = Cohort.objects.filter(mentors=docent).first()
    csv_text = client.get(reverse("dashboards:cohort_export_csv", args=[cohort.pk])).content
    assert_one_format(csv_text.decode("utf-8-sig"), "CSV export")
    xlsx = client.get(reverse("dashboards:cohort_export_xlsx", args=[cohort.pk])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert_one_format(cells, "XLSX export")

    student = User.objects.get(username="student")
    enrolment = Enrolment.objects.get(student=student, qualification__crebo="25728")
    with django_capture_on_commit_callbacks(execute=True):
        job = report_services.report_request(user=student, enrolment=enrolment)
    job.refresh_from_db()
    client.force_login(student)
    pdf = client.get(reverse("reports:download", args=[job.pk]))
    text = pdf_text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    assert_one_format(text, "PDF")
    assert DUTCH.search(text), "the report shows no date at all"
