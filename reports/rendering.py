"""HTML to PDF. Pure functions of the report data: the task, the management command and the
benchmarks all call these, so they produce the same PDF."""

import datetime
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone, translation

if TYPE_CHECKING:
    from .fetcher import StaticOnlyFetcher


def student_report_html(
    data: dict, *, fingerprint: str, job_id: int | None, generated_at: datetime.datetime
) -> str:
    with translation.override("nl"):
        return render_to_string(
            "reports/student_report.html",
            {
                "r": data,
                "fingerprint": fingerprint,
                "job_id": job_id,
                "generated_at": timezone.localtime(generated_at),
            },
        )


def cohort_report_html(
    data: dict, *, fingerprint: str, job_id: int | None, generated_at: datetime.datetime
) -> str:
    with translation.override("nl"):
        return render_to_string(
            "reports/cohort_report.html",
            {
                "r": data,
                "fingerprint": fingerprint,
                "job_id": job_id,
                "generated_at": timezone.localtime(generated_at),
            },
        )


def html_to_pdf(html: str, fetcher: "StaticOnlyFetcher | None" = None) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which web processes never need.
    from weasyprint import HTML

    from .fetcher import BASE_URL, StaticOnlyFetcher

    fetcher = fetcher or StaticOnlyFetcher()
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
