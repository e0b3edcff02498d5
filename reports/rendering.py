"""HTML to PDF. Pure functions of the report data: the task, the management command and the
benchmarks all call these, so they produce the same PDF."""

import datetime
from typing import TYPE_CHECKING

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from . import verification
from .selectors import LOGO_URL

if TYPE_CHECKING:
    from .fetcher import StaticOnlyFetcher


def student_report_html(
    data: dict,
    *,
    fingerprint: str,
    job_id: int | None,
    generated_at: datetime.datetime,
    logo: bool = False,
) -> str:
    with translation.override("nl"):
        return render_to_string(
            "reports/student_report.html",
            {
                "r": data,
                "fingerprint": fingerprint,
                "job_id": job_id,
                "generated_at": timezone.localtime(generated_at),
                "logo_url": LOGO_URL if logo else "",
                **_verification(fingerprint),
            },
        )


def cohort_report_html(
    data: dict,
    *,
    fingerprint: str,
    job_id: int | None,
    generated_at: datetime.datetime,
    logo: bool = False,
) -> str:
    with translation.override("nl"):
        return render_to_string(
            "reports/cohort_report.html",
            {
                "r": data,
                "fingerprint": fingerprint,
                "job_id": job_id,
                "generated_at": timezone.localtime(generated_at),
                "logo_url": LOGO_URL if logo else "",
                **_verification(fingerprint),
            },
        )


QR_MASK = 3


def _verification(fingerprint: str) -> dict:
    """Where anyone holding the PDF checks it (reports.verification), as text and QR code."""
    url = verification.verify_url(fingerprint)
    # segno writes the SVG itself from a URL we built: no user text reaches it. A fixed mask:
    # choosing the "best" of the eight took 4 of the 5 ms this code costs per report, and any
    # mask is valid (test_verification reads codes made this way back).
    qr = segno.make(url, error="m", mask=QR_MASK).svg_inline(scale=1.6, border=0, omitsize=False)
    return {"verify_url": url, "verify_qr": mark_safe(qr)}  # noqa: S308


def export_index_html(data: dict, *, generated_at: datetime.datetime) -> str:
    """The export's index.html: one self-contained page (no scripts, no remote assets) that
    opens from disk and links the files beside it in the ZIP."""
    with translation.override("nl"):
        return render_to_string(
            "reports/export_index.html",
            {"r": data, "generated_at": timezone.localtime(generated_at)},
        )


def html_to_pdf(
    html: str,
    fetcher: "StaticOnlyFetcher | None" = None,
    *,
    resources: dict[str, tuple[bytes, str]] | None = None,
) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which web processes never need.
    from weasyprint import HTML

    from .fetcher import BASE_URL, StaticOnlyFetcher

    fetcher = fetcher or StaticOnlyFetcher(resources)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
