"""Which stored files the database refers to, and which it does not.

Every FileField of every model is found by itself; names kept in plain text columns (report
output) are listed in NAME_COLUMNS. Maintenance sits at the end of the app order, so it may
know every app's models.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from config.storage import walk

# (app label, model, column) of text columns that hold a storage name.
NAME_COLUMNS = [("reports", "ReportJob", "output"), ("reports", "ReportJob", "archive")]


def file_columns() -> list[tuple[type[models.Model], str]]:
    columns = [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField)
    ]
    columns += [(apps.get_model(app, model), column) for app, model, column in NAME_COLUMNS]
    return columns


def referenced_names() -> dict[str, list[str]]:
    """Storage name -> the rows that refer to it ("portfolios.EvidenceFile 12 file")."""
    refs: dict[str, list[str]] = defaultdict(list)
    for model, column in file_columns():
        rows = model._default_manager.exclude(**{column: ""}).exclude(**{f"{column}__isnull": True})
        for pk, name in rows.values_list("pk", column).iterator():
            refs[name].append(f"{model._meta.label} {pk} {column}")
    return dict(refs)


@dataclass
class Consistency:
    missing: dict[str, list[str]] = field(default_factory=dict)  # name -> rows
    orphans: list[str] = field(default_factory=list)
    stored: int = 0
    referenced: int = 0


def check_files(storage=None) -> Consistency:
    storage = storage or default_storage
    refs = referenced_names()
    stored = set(walk(storage))
    return Consistency(
        missing={name: refs[name] for name in sorted(set(refs) - stored)},
        orphans=sorted(stored - set(refs)),
        stored=len(stored),
        referenced=len(refs),
    )


def delete_orphans(orphans: list[str], *, min_age: datetime.timedelta, storage=None) -> list[str]:
    """Delete files no row refers to, except young ones: an upload saves its file just
    before its row commits, and must not lose it to a run that looks in between."""
    storage = storage or default_storage
    cutoff = timezone.now() - min_age
    refs = referenced_names()  # again: a row may have been committed since the check
    deleted = []
    for name in orphans:
        if name in refs:
            continue
        try:
            if storage.get_modified_time(name) > cutoff:
                continue
        except FileNotFoundError:
            continue
        storage.delete(name)
        deleted.append(name)
    return deleted
