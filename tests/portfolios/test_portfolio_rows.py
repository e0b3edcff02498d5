"""The rows of the portfolio and werkproces pages read no more than the user is shown
(selectors._evidence_rows_qs): the student's own rows read no versions (those pages show the
working copy, and no version count); staff rows read the newest submitted version."""

import pytest

from portfolios import selectors, services
from portfolios.models import EvidenceVersion
from tests.portfolios.test_portfolio_queries import add_evidence


def rows_of(user, enrolment):
    portfolio = selectors.portfolio_for(user=user, enrolment=enrolment)
    return {row.evidence.pk: row for wp in portfolio.werkproces_rows for row in wp.evidence}


@pytest.mark.django_db
def test_staff_rows_show_the_newest_version_and_the_student_their_working_copy(world):
    add_evidence(world, 8)
    enrolment = world["enrolment"]
    returned = next(
        row.evidence
        for row in rows_of(world["student"], enrolment).values()
        if row.status == "returned"
    )
    # Edited after it came back, not yet sent in again: staff still read what was submitted.
    services.evidence_update(
        student=world["student"],
        evidence=returned,
        title="Verbeterd, nog niet ingediend",
        reflection="Beter",
        date=returned.date,
        links=["https://example.org/verbeterd"],
    )
    own = rows_of(world["student"], enrolment)
    staff = rows_of(world["praktijkopleider"], enrolment)
    assert own[returned.pk].title == "Verbeterd, nog niet ingediend"
    assert staff[returned.pk].title == returned.title
    # Staff never see drafts; they count the versions they read.
    assert set(staff) < set(own)
    for pk, row in staff.items():
        assert row.version_count == EvidenceVersion.objects.filter(evidence_id=pk).count()
    assert all(row.version_count is None for row in own.values())
