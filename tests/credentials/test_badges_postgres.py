"""On PostgreSQL an issued badge cannot be changed or deleted (config.append_only, migration
credentials 0003), while claiming and revoking still work: the token is filled in once by
the claim itself, and a revocation changes no row. Run with DATABASE_URL=postgres://..."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from assessments import services as assessment_services
from credentials.models import Credential
from credentials.selectors import revoked_indexes
from portfolios import services as portfolio_services
from tests.assessment_fixtures import inputs
from tests.credentials.test_badges import _current_sign_off, _sign_off_switch, verify

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
    ),
]


def refused(sql: str, params=()) -> str:
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(exc.value)


@pytest.fixture
def badges(client, rworld):
    """A vaststelling badge and a sign-off badge, both claimed through the student's page."""
    _sign_off_switch(rworld, True)
    client.force_login(rworld["student"])
    url = reverse("credentials:claim", args=[rworld["enrolment"].pk])
    for data in (
        {"vaststelling": rworld["vaststelling"].pk},
        {"aftekening": _current_sign_off(rworld).pk},
    ):
        assert client.post(url, data).status_code == 302
    by_vaststelling = Credential.objects.get(vaststelling__isnull=False)
    by_sign_off = Credential.objects.get(sign_off__isnull=False)
    assert by_vaststelling.token and by_sign_off.token  # the one fill went through
    return rworld, by_vaststelling, by_sign_off


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("token", "eyJ.forged.token"),
        ("token", ""),
        ("uid", "00000000-0000-0000-0000-000000000000"),
        ("issued_at", "2020-01-01T00:00:00Z"),
        # Foreign keys: the trigger runs before the key is checked, so -1 shows it refuses.
        ("school_id", -1),
        ("enrolment_id", -1),
        ("werkproces_id", -1),
        ("vaststelling_id", -1),
    ],
)
def test_an_issued_badge_cannot_be_updated(badges, column, value):
    _rworld, badge, _other = badges
    before = Credential.objects.values().get(pk=badge.pk)
    message = refused(
        f"UPDATE credentials_credential SET {column} = %s WHERE id = %s",  # noqa: S608
        [value, badge.pk],
    )
    assert "insert-only" in message
    assert Credential.objects.values().get(pk=badge.pk) == before


def test_an_issued_badge_cannot_be_deleted_nor_changed_through_the_orm(badges):
    _rworld, badge, other = badges
    for pk in (badge.pk, other.pk):
        assert "insert-only" in refused("DELETE FROM credentials_credential WHERE id = %s", [pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        Credential.objects.filter(pk=badge.pk).update(token=other.token)
    with pytest.raises(DatabaseError), transaction.atomic():
        Credential.objects.filter(pk=badge.pk).delete()
    # The switch of an attested sign-off to another one is refused too.
    with pytest.raises(DatabaseError), transaction.atomic():
        Credential.objects.filter(pk=other.pk).update(
            sign_off=None, vaststelling=badge.vaststelling
        )
    assert Credential.objects.count() == 2


def test_revoking_both_kinds_still_works_and_changes_no_row(client, badges, tmp_path):
    rworld, by_vaststelling, by_sign_off = badges
    rows_before = list(Credential.objects.order_by("pk").values())
    assert revoked_indexes(by_vaststelling.school) == []
    assessment_services.vaststelling_correct(
        assessor=rworld["assessor"],
        beoordeling=rworld["vaststelling"].beoordeling,
        scores=inputs(rworld["criteria"], 0, 0),
        reason="Verkeerd student beoordeeld",
        based_on=rworld["vaststelling"].number,
    )
    portfolio_services.werkproces_sign_off_withdraw(
        actor=rworld["praktijkopleider"],
        enrolment=rworld["enrolment"],
        werkproces=rworld["w1"],
        reason="Toch nog niet zelfstandig.",
    )
    assert sorted(revoked_indexes(by_vaststelling.school)) == sorted(
        [by_vaststelling.status_index, by_sign_off.status_index]
    )
    for badge in (by_vaststelling, by_sign_off):
        outcome = verify(client, badge, tmp_path)
        assert outcome["verified"] is True and outcome["revoked"] is True
    assert list(Credential.objects.order_by("pk").values()) == rows_before
