"""The cached dossier tree (qualifications/tree_cache.py): read once, and never stale after a
write to the tree, committed or rolled back. These tests commit (transaction=True), as the web
nodes do; in an ordinary test the tree is written in the test's own transaction, so the cache
is bypassed there."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from qualifications.models import Criterion, Dossier, Kerntaak, Qualification, Werkproces
from qualifications.tree_cache import dossier_tree


def fresh(qualification):
    # A new object each time, as each request loads its own enrolment.
    return Qualification.objects.get(pk=qualification.pk)


def titles(qualification):
    return [wp.title for wp in dossier_tree(fresh(qualification)).werkprocessen]


def gedrag(qualification, code):
    tree = dossier_tree(fresh(qualification))
    return [c.text for c in tree.criteria[tree.werkproces(code).pk]]


@pytest.mark.django_db(transaction=True)
def test_the_tree_is_read_once_per_generation(tree):
    p1 = fresh(tree["p1"])
    with CaptureQueriesContext(connection) as first:
        read = dossier_tree(p1)
    assert len(first.captured_queries) == 2
    p1 = fresh(tree["p1"])
    with CaptureQueriesContext(connection) as second:
        again = dossier_tree(p1)
    assert len(second.captured_queries) == 0
    assert [wp.code for wp in again.werkprocessen] == [wp.code for wp in read.werkprocessen]
    assert again.werkproces("B1-K1-W1").kerntaak.code == "B1-K1"
    assert again.werkproces("B9-K9-W9") is None
    # Each kwalificatie its own gedrag: P2's addition is not P1's.
    assert gedrag(tree["p1"], "B1-K1-W1") == ["werkt nauwkeurig;", "communiceert helder."]
    assert "GEHEIM-P2: adviseert de klant;" in gedrag(tree["p2"], "B1-K1-W1")


@pytest.mark.django_db(transaction=True)
def test_every_write_to_the_tree_shows_at_once(tree):
    assert "Eerste werkproces" in titles(tree["p1"])
    werkproces = Werkproces.objects.get(code="B1-K1-W1")
    werkproces.title = "Hernoemd in de admin"
    werkproces.save()
    assert "Hernoemd in de admin" in titles(tree["p1"])

    Criterion.objects.filter(text="werkt nauwkeurig;").get().delete()
    assert gedrag(tree["p1"], "B1-K1-W1") == ["communiceert helder."]

    kerntaak = Kerntaak.objects.get(code="B1-K1")
    Werkproces.objects.create(kerntaak=kerntaak, code="B1-K1-W3", title="Derde", position=3)
    assert "Derde" in titles(tree["p1"])


@pytest.mark.django_db(transaction=True)
def test_an_import_that_bulk_creates_after_saving_the_dossier_shows_after_its_commit(tree):
    assert "Bulk" not in titles(tree["p1"])
    kerntaak = Kerntaak.objects.get(code="B1-K1")
    with transaction.atomic():
        # As the importer: the dossier is saved, then the tree is written without signals.
        dossier = Dossier.objects.get(pk=kerntaak.dossier_id)
        dossier.save()
        Werkproces.objects.bulk_create(
            [Werkproces(kerntaak=kerntaak, code="B1-K1-W9", title="Bulk", position=9)]
        )
    assert "Bulk" in titles(tree["p1"])


@pytest.mark.django_db(transaction=True)
def test_uncommitted_and_rolled_back_writes_never_reach_the_cache(tree):
    assert "Eerste werkproces" in titles(tree["p1"])

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        werkproces = Werkproces.objects.get(code="B1-K1-W1")
        werkproces.title = "Nooit vastgelegd"
        werkproces.save()
        # The writing transaction reads its own rows, past the cache...
        assert "Nooit vastgelegd" in titles(tree["p1"])
        raise Undo
    # ...and nobody else ever reads them.
    assert "Nooit vastgelegd" not in titles(tree["p1"])
    assert "Eerste werkproces" in titles(tree["p1"])


@pytest.mark.django_db(transaction=True)
def test_a_new_import_shows_even_where_the_generation_did_not_arrive(tree):
    """Another process with its own memory cache never sees this one's generation move: the
    dossier's import fingerprint, loaded with the enrolment, tells it the tree was replaced."""

    def with_dossier():
        return Qualification.objects.select_related("dossier").get(pk=tree["p1"].pk)

    dossier_tree(with_dossier())
    # Written past the signals, as another process's write looks from here.
    Werkproces.objects.filter(code="B1-K1-W1").update(title="Nieuw geimporteerd")
    assert "Nieuw geimporteerd" not in [
        wp.title for wp in dossier_tree(with_dossier()).werkprocessen
    ]
    Dossier.objects.filter(pk=tree["p1"].dossier_id).update(content_hash="nieuw")
    assert "Nieuw geimporteerd" in [wp.title for wp in dossier_tree(with_dossier()).werkprocessen]
