"""The klas summary carries the "achter op planning" signal by the very rule the klas
dashboard applies (assessments.planning), and prints it."""

import pytest
from django.utils import timezone

from dashboards.selectors import Filters, dashboard_for
from portfolios import services as portfolio_services
from qualifications.models import Werkproces
from reports import rendering, selectors
from tests.dashboard_fixtures import add_students
from tests.report_fixtures import pdf_text

pytestmark = pytest.mark.django_db


def test_klas_summary_flags_who_is_behind_like_the_dashboard(world, media):
    # Ten students with a BPV 60 of 90 days gone; every second one has 1 of 3 signed off.
    add_students(world["cohort"], world["praktijkopleider"].praktijkopleider, 10)
    dashboard = dashboard_for(user=world["docent"], cohort=world["cohort"], filters=Filters())
    expected = {r.enrolment.student.username: r.behind_reason for r in dashboard.rows}
    assert any(expected.values()) and not all(expected.values())

    data = selectors.cohort_report_data(cohort=world["cohort"])
    flagged = {
        row["number"]: [s["text"] for s in row["signals"] if s["kind"] == "behind"]
        for row in data["students"]
    }
    assert flagged == {name: [reason] if reason else [] for name, reason in expected.items()}
    assert "0 van 3 werkprocessen afgetekend" in flagged["bulk-0001"][0]

    html = rendering.cohort_report_html(
        data, fingerprint="0" * 64, job_id=None, generated_at=timezone.now()
    )
    text = " ".join(pdf_text(rendering.html_to_pdf(html)).split())
    assert "Achter op planning" in text
    assert "0 van 3 werkprocessen afgetekend" in text


def test_klas_summary_flags_only_what_is_niet_uitvoerbaar_now(world):
    """The latest feasibility event of each werkproces decides: marked and then undone is
    no signal; marked and left stays one, with its leerbedrijf and reason."""
    po, enrolment = world["praktijkopleider"], world["enrolment"]
    w2 = Werkproces.objects.get(code="B1-K1-W2")
    for werkproces, reason in ((world["w1"], "Geen klanten hier."), (w2, "Geen kassa.")):
        portfolio_services.werkproces_set_feasibility(
            actor=po, enrolment=enrolment, werkproces=werkproces, feasible=False, reason=reason
        )
    portfolio_services.werkproces_set_feasibility(
        actor=po, enrolment=enrolment, werkproces=world["w1"], feasible=True, reason="Toch wel."
    )
    signals = selectors._cohort_signals([enrolment.pk], timezone.localdate())[enrolment.pk]
    assert [(s["kind"], s["code"], s["reason"]) for s in signals] == [
        ("not_feasible", "B1-K1-W2", "Geen kassa.")
    ]
