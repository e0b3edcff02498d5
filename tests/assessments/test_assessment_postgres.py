"""On PostgreSQL the database itself refuses to change or delete exam records; a correction
is a new version with its reason. Run with DATABASE_URL=postgres://..."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from assessments import services
from assessments.models import Beoordeling, FinalScore, Submission, SubmittedScore, Vaststelling
from tests.assessment_fixtures import inputs, start

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
    ),
]


@pytest.fixture
def final(aworld):
    beoordeling = start(aworld)
    services.scores_submit(
        assessor=aworld["assessor"],
        beoordeling=beoordeling,
        scores=inputs(aworld["criteria"], 1, 1),
    )
    return aworld, beoordeling


def refused(sql: str, params=()) -> str:
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(exc.value)


@pytest.mark.parametrize(
    "model", [FinalScore, Vaststelling, SubmittedScore, Submission, Beoordeling]
)
def test_update_and_delete_are_refused_by_the_database(final, model):
    table = model._meta.db_table
    pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
    assert pk is not None
    column = {
        FinalScore: "value",
        Vaststelling: "outcome",
        SubmittedScore: "value",
        Submission: "assessor_name",
        Beoordeling: "four_eyes",
    }[model]
    value = {"value": 2, "outcome": "goed", "assessor_name": "x", "four_eyes": True}[column]
    message = refused(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608
    assert "insert-only" in message
    message = refused(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608
    assert "insert-only" in message
    # The ORM is refused just the same.
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.filter(pk=pk).update(**{column: value})
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.filter(pk=pk).delete()


def test_vastgestelde_score_is_unchanged_and_correction_is_a_new_version(final):
    aworld, beoordeling = final
    criteria = aworld["criteria"]
    score = FinalScore.objects.get(criterion=criteria[0])
    refused("UPDATE assessments_finalscore SET value = 2 WHERE id = %s", [score.pk])
    score.refresh_from_db()
    assert score.value == 1
    services.vaststelling_correct(
        assessor=aworld["assessor2"],
        beoordeling=beoordeling,
        scores=inputs(criteria, 2, 2),
        reason="Beoordeeld met het verkeerde bewijsstuk.",
        based_on=1,
    )
    v1, v2 = Vaststelling.objects.filter(beoordeling=beoordeling).order_by("number")
    assert (v1.outcome, v1.points, v1.reason) == ("voldoende", 2, "")
    assert (v2.number, v2.outcome, v2.points) == (2, "goed", 4)
    assert v2.reason == "Beoordeeld met het verkeerde bewijsstuk."
    assert v2.recorded_by == aworld["assessor2"]
    assert list(v1.scores.values_list("value", flat=True)) == [1, 1]
    assert list(v2.scores.values_list("value", flat=True)) == [2, 2]


def test_a_correction_without_reason_is_refused_by_the_database(final):
    _aworld, beoordeling = final
    v1 = Vaststelling.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        Vaststelling.objects.create(
            beoordeling=beoordeling, number=2, outcome="goed", points=4, max_points=4,
            assessor_names="x", recorded_by=v1.recorded_by, recorded_by_name="x",
        )  # fmt: skip
