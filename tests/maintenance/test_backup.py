"""check_files finds rows without files and files without rows; a backup of the demo,
restored after everything was dropped, brings back every row and file."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from config.storage import walk
from maintenance.backup import row_counts
from maintenance.files import check_files
from portfolios.models import EvidenceFile


def drop_everything():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        else:
            cursor.execute("PRAGMA foreign_keys=OFF")
            tables = connection.introspection.table_names(cursor)
            for table in tables:
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys=ON")
    for name in list(walk()):
        default_storage.delete(name)


@pytest.mark.django_db
def test_check_files_lists_missing_and_orphans(media, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--students", "0")
    call_command("check_files")
    assert "0 missing, 0 orphaned" in capsys.readouterr().out
    gone = EvidenceFile.objects.first()
    default_storage.delete(gone.file.name)
    orphan = default_storage.save("evidence/orphan.pdf", ContentFile(b"%PDF-"))
    with pytest.raises(CommandError):
        call_command("check_files", "--delete-orphans")  # too young to delete
    out = capsys.readouterr().out
    assert f"MISSING {gone.file.name}" in out and f"ORPHAN {orphan}" in out
    assert default_storage.exists(orphan)
    with pytest.raises(CommandError):
        call_command("check_files", "--delete-orphans", "--min-age", "0")
    assert f"DELETED {orphan}" in capsys.readouterr().out
    assert not default_storage.exists(orphan)
    assert list(check_files().missing) == [gone.file.name]


@pytest.mark.django_db(transaction=True)
def test_backup_drop_restore_finds_every_row_and_file(
    media, tmp_path, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--students", "2")
    counts = row_counts()
    files = {name: default_storage.open(name).read() for name in walk()}
    assert counts["portfolios.EvidenceFile"] > 0 and len(files) >= 4
    call_command("backup", str(tmp_path / "backup"))

    drop_everything()
    assert not list(walk())

    call_command("restore", str(tmp_path / "backup"), "--noinput")
    assert "every row and file checked" in capsys.readouterr().out
    assert row_counts() == counts
    assert {name: default_storage.open(name).read() for name in walk()} == files
    assert not check_files().missing and not check_files().orphans
