"""manage.py backup DIR: the database (pg_dump or SQLite's backup) and every stored file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maintenance.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and all stored files (disk or bucket) into an empty DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--database-url",
            help="Connect pg_dump with this URL instead of the site's database settings.",
        )

    def handle(self, *args, directory: Path, database_url: str | None = None, **options):
        try:
            manifest = backup(directory, database_url=database_url)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = sum(entry["size"] for entry in manifest["files"])
        self.stdout.write(
            f"Backup in {directory}: {sum(manifest['rows'].values())} rows, "
            f"{len(manifest['files'])} files ({size} bytes)."
        )
