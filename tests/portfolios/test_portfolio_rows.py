"""The rows of the portfolio and werkproces pages read no more than the user is shown
(selectors._evidence_rows_qs), yet say the same to everyone: the student's rows count the
versions without reading them, staff rows read the newest submitted version."""

import pytest

from portfolios import selectors, services
from portfolios.models import EvidenceVersion
from tests.portfolios.test_portfolio_queries import add_evidence


def rows_of(user, enrolment):
    portfolio = selectors.portfolio_for(user=user, enrolment=enrolment)
    return {row.evidence.pk: row for wp in portfolio.werkproces_rows for row in wp.evidence}


@pytest.mark.django_db
def test_every_reader_sees_the_same_version_count(world):
    add_evidence(world, 8)
    enrolment = world["enrolment"]
    # A returned bewijsstuk sent in again has two versions.
    returned = next(
        row.evidence
        for row in rows_of(world["student"], enrolment).values()
        if row.status == "returned"
    )
    services.evidence_submit(student=world["student"], evidence=returned)
    own = rows_of(world["student"], enrolment)
    staff = rows_of(world["praktijkopleider"], enrolment)
    assert own[returned.pk].version_count == 2
    for pk, row in own.items():
        assert row.version_count == EvidenceVersion.objects.filter(evidence_id=pk).count()
    # Staff never see drafts; where both see a bewijsstuk they count the same versions.
    assert set(staff) < set(own)
    for pk, row in staff.items():
        assert row.version_count == own[pk].version_count
