"""The dossier tree of one kwalificatie (kerntaken, werkprocessen, gedrag), cached.

Every portfolio page reads it, and it hardly ever changes: a dossier version is frozen once a
student is enrolled (services.dossier_is_locked). The cache does not lean on that lock, though:
a dossier without students can still be edited in the admin or replaced by the importer, and
enrolments can be removed and made again. Instead every write to the tree (a save or delete of
a dossier, kwalificatie, kerntaak, werkproces or criterion; the importer saves the dossier
before it writes the rest) moves one generation key, and trees are stored under the generation
they were read in. The cache is the shared one (Redis in production), so every web node sees a
new generation at once.

Without Redis (the per-process memory cache, e.g. several gunicorn workers on one machine) a
new generation reaches only the process that wrote. There the key also carries the dossier's
import fingerprint and time (read with the enrolment, no query), which the importer changes
whenever it writes a tree anew, and entries live a minute, not a day: an admin edit of a
dossier nobody is enrolled on shows everywhere within that minute.

The generation moves at the first write of a transaction and again when it commits: a page
that read the old tree while the transaction ran stored it under a generation nobody asks for
after the commit. Inside a transaction that wrote to the tree the cache is neither read nor
filled, so uncommitted (and perhaps rolled back) rows never reach it.
"""

import uuid
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from config.replica import on_primary

from .models import Criterion, Dossier, Kerntaak, Qualification, Werkproces
from .selectors import KerntaakView, applies_to, kerntaken_with_werkprocessen

GENERATION_KEY = "qualifications:tree-generation"
# Entries of an old generation are never read again; they only wait to expire.
SHARED_TIMEOUT = 24 * 60 * 60
PER_PROCESS_TIMEOUT = 60
TREE_MODELS = (Dossier, Qualification, Kerntaak, Werkproces, Criterion)
# The cached rows are pickled model objects: a release that changes their fields reads anew.
SCHEMA = zlib.crc32(
    ",".join(
        f"{model.__name__}.{f.attname}"
        for model in (Kerntaak, Werkproces, Criterion)
        for f in model._meta.concrete_fields
    ).encode()
)


@dataclass
class DossierTree:
    """What the portfolio pages need of a kwalificatie, in dossier order."""

    kerntaken: list[KerntaakView]
    # {werkproces pk: the gedrag that applies to this kwalificatie, by position}
    criteria: dict[int, list[Criterion]]

    @property
    def werkprocessen(self) -> list[Werkproces]:
        return [wp for kt in self.kerntaken for wp in kt.werkprocessen]

    def werkproces(self, code: str) -> Werkproces | None:
        return next((wp for wp in self.werkprocessen if wp.code == code), None)


def _read(qualification: Qualification) -> DossierTree:
    kerntaken = kerntaken_with_werkprocessen(qualification=qualification)
    criteria: dict[int, list[Criterion]] = {
        wp.pk: [] for kt in kerntaken for wp in kt.werkprocessen
    }
    for criterion in (
        Criterion.objects.filter(werkproces__in=list(criteria))
        .filter(applies_to(qualification))
        .order_by("position", "pk")
    ):
        criteria[criterion.werkproces_id].append(criterion)
    return DossierTree(kerntaken=kerntaken, criteria=criteria)


def dossier_tree(qualification: Qualification) -> DossierTree:
    """The tree of this kwalificatie: two queries on a miss, none on a hit."""
    if _tree_written_in_this_transaction():
        return _read(qualification)
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # First use, or the cache was emptied: start a generation no old entry is under.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    # A page asks more than once (the werkproces, then the form): keep it on the object.
    memo = getattr(qualification, "_dossier_tree", None)
    if generation is not None and memo is not None and memo[0] == generation:
        return memo[1]
    mark = _import_mark(qualification)
    key = f"qualifications:tree:{SCHEMA}:{generation}:{qualification.pk}{mark}"
    tree = cache.get(key)
    if tree is None:
        # Kept for other requests: read from the primary even on a page that reads from
        # the replica, or a replica behind an import would keep the old tree in the cache.
        with on_primary():
            tree = _read(qualification)
        cache.set(key, tree, _timeout())
    qualification._dossier_tree = (generation, tree)
    return tree


def _import_mark(qualification: Qualification) -> str:
    """The dossier's import fingerprint and time, when the dossier is loaded already."""
    dossier = qualification._state.fields_cache.get("dossier")
    if dossier is None:
        return ""
    imported = dossier.imported_at.isoformat() if dossier.imported_at else ""
    return f":{dossier.content_hash}:{imported}"


def _timeout() -> int:
    backend = settings.CACHES["default"]["BACKEND"]
    return PER_PROCESS_TIMEOUT if backend.endswith("LocMemCache") else SHARED_TIMEOUT


def forget_dossier_trees() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _forget_at_commit() -> None:
    # Its own function, so a transaction can see it is already registered.
    forget_dossier_trees()


def _tree_written_in_this_transaction(using=None) -> bool:
    connection = transaction.get_connection(using)
    return any(entry[1] is _forget_at_commit for entry in connection.run_on_commit)


def tree_changed(sender, using=None, **kwargs) -> None:
    """Receiver for every write to the tree."""
    if _tree_written_in_this_transaction(using):
        return
    forget_dossier_trees()
    # Outside a transaction this runs at once; inside, at the commit (never on a rollback).
    transaction.on_commit(_forget_at_commit, using=using)


def connect() -> None:
    for model in TREE_MODELS:
        post_save.connect(tree_changed, sender=model, dispatch_uid=f"tree-save-{model.__name__}")
        post_delete.connect(
            tree_changed, sender=model, dispatch_uid=f"tree-delete-{model.__name__}"
        )
