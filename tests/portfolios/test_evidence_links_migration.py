"""Bewijsstukken made when a bewijsstuk had one werkproces (portfolios 0005) migrate to links:
one link per bewijsstuk and per version, holding the gedrag it had; and back again.
Runs on SQLite, and on PostgreSQL when DATABASE_URL points there."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("portfolios", "0005_append_only_history")]
AFTER = [("portfolios", "0007_drop_evidence_criteria")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_evidence_gets_one_link_with_its_gedrag_and_back(users, tree):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    enrolment_id = users["student"].enrolments.get().pk
    w1 = tree["w1"]
    gedrag = list(w1.criteria.filter(qualification__isnull=True).order_by("position"))
    w2 = w1.kerntaak.werkprocessen.get(code="B1-K1-W2")
    try:
        old = migrate(BEFORE)
        Evidence = old.get_model("portfolios", "Evidence")
        EvidenceVersion = old.get_model("portfolios", "EvidenceVersion")
        day = datetime.date(2026, 10, 1)
        tagged = Evidence.objects.create(
            enrolment_id=enrolment_id, werkproces_id=w1.pk, title="Met gedrag", date=day
        )
        tagged.criteria.set([c.pk for c in gedrag])
        untagged = Evidence.objects.create(
            enrolment_id=enrolment_id, werkproces_id=w2.pk, title="Zonder", date=day
        )
        version = EvidenceVersion.objects.create(
            evidence=tagged, number=1, title="Met gedrag", date=day
        )
        version.criteria.set([gedrag[0].pk])

        new = migrate(AFTER)
        EvidenceLink = new.get_model("portfolios", "EvidenceLink")
        EvidenceVersionLink = new.get_model("portfolios", "EvidenceVersionLink")
        links = {
            link.evidence_id: (link.werkproces_id, sorted(c.pk for c in link.criteria.all()))
            for link in EvidenceLink.objects.all()
        }
        assert links == {
            tagged.pk: (w1.pk, sorted(c.pk for c in gedrag)),
            untagged.pk: (w2.pk, []),
        }
        frozen = EvidenceVersionLink.objects.get()
        assert (frozen.version_id, frozen.werkproces_id) == (version.pk, w1.pk)
        assert [c.pk for c in frozen.criteria.all()] == [gedrag[0].pk]

        # Back: the gedrag returns to the bewijsstuk and the version.
        old = migrate(BEFORE)
        Evidence = old.get_model("portfolios", "Evidence")
        EvidenceVersion = old.get_model("portfolios", "EvidenceVersion")
        assert sorted(Evidence.objects.get(pk=tagged.pk).criteria.values_list("pk", flat=True)) == (
            sorted(c.pk for c in gedrag)
        )
        assert not Evidence.objects.get(pk=untagged.pk).criteria.exists()
        assert list(
            EvidenceVersion.objects.get(pk=version.pk).criteria.values_list("pk", flat=True)
        ) == [gedrag[0].pk]
    finally:
        migrate(latest)
