"""Backup and restore: the database and every stored file, into one directory.

A backup directory holds
- `database.dump` (pg_dump's custom format) or `database.sqlite3` (SQLite's online backup);
- `files/`: every object of the default storage (local disk or bucket), under its own name;
- `manifest.json`: what it holds, with a sha256 and size per file and a row count per model,
  so that a restore can prove it put everything back.

The database is dumped first and the files copied after: a file uploaded in between is an
orphan in the backup (harmless); a row is never restored without the file it had.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone

from config.storage import on_local_disk, walk

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
FILES_DIR = "files"


class BackupError(Exception):
    pass


def _pg_env(url: str | None) -> tuple[list[str], dict[str, str]]:
    """libpq connection arguments for pg_dump/pg_restore: an explicit URL, or settings."""
    env = dict(os.environ)
    if url:
        return ["--dbname", url], env
    db = settings.DATABASES["default"]
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return ["--dbname", db["NAME"]], env


def _run(argv: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{argv[0]} is not installed (Debian: postgresql-client)") from exc
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {result.stderr.strip()}")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(target: Path, *, database_url: str | None = None) -> dict:
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    connection = connections["default"]
    vendor = connection.vendor
    counts = row_counts()
    if vendor == "postgresql":
        args, env = _pg_env(database_url)
        # Custom format: compressed, and pg_restore can restore it into an empty database.
        dump = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
        _run([*dump, "--file", str(target / PG_DUMP_FILE), *args], env)
        database_file = PG_DUMP_FILE
    elif vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target / SQLITE_FILE)
        try:
            connection.connection.backup(destination)  # consistent while others write
        finally:
            destination.close()
        database_file = SQLITE_FILE
    else:
        raise BackupError(f"no backup for database vendor {vendor}")

    files = []
    for name in walk(default_storage):
        path = target / FILES_DIR / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with default_storage.open(name, "rb") as source, path.open("wb") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
        except FileNotFoundError:
            continue  # deleted while we walked
        files.append({"name": name, "size": path.stat().st_size, "sha256": _sha256(path)})

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": vendor, "file": database_file},
        "storage": "local disk" if on_local_disk() else "bucket",
        "rows": counts,
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: not a Bekwaam backup")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def restore(source: Path, *, database_url: str | None = None) -> dict:
    """Put the database and the files of a backup back. Replaces the database's contents."""
    source = Path(source)
    manifest = read_manifest(source)
    connection = connections["default"]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"backup is of {vendor}, this site runs {connection.vendor}")
    # Verify the files first: a damaged backup should fail before it replaces anything.
    for entry in manifest["files"]:
        path = source / FILES_DIR / entry["name"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(f"{entry['name']} is missing or damaged in the backup")
    if vendor == "postgresql":
        args, env = _pg_env(database_url)
        connection.close()
        restore_argv = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        _run([*restore_argv, "--single-transaction", *args, str(source / PG_DUMP_FILE)], env)
    else:
        # Into Django's own connection: also right for an in-memory database (tests).
        connection.ensure_connection()
        backup_db = sqlite3.connect(source / SQLITE_FILE)
        try:
            backup_db.backup(connection.connection)
        finally:
            backup_db.close()

    for entry in manifest["files"]:
        name = entry["name"]
        if default_storage.exists(name):
            default_storage.delete(name)
        with (source / FILES_DIR / name).open("rb") as fh:
            saved = default_storage.save(name, File(fh, name=name))
        if saved != name:
            raise BackupError(f"storage stored {name} as {saved}")
    return manifest
