"""manage.py restore DIR: put a backup back, then prove every row and file is there."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maintenance.backup import BackupError, restore, row_counts
from maintenance.files import check_files


class Command(BaseCommand):
    help = (
        "Restore the database and files of a backup made by manage.py backup. Replaces the "
        "database's contents; run it on a migrated (or empty) database of the same kind."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--database-url",
            help="Connect pg_restore with this URL (the owner's) instead of the site's settings.",
        )
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, directory: Path, database_url=None, interactive=True, **options):
        if interactive:
            answer = input("This replaces all data of this site. Type 'ja' to go on: ")
            if answer.strip().lower() != "ja":
                raise CommandError("Restore cancelled.")
        try:
            manifest = restore(directory, database_url=database_url)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = row_counts()
        wrong = {
            label: (expected, counts.get(label))
            for label, expected in manifest["rows"].items()
            if counts.get(label) != expected
        }
        for label, (expected, found) in wrong.items():
            self.stdout.write(f"ROWS {label}: {found} restored, {expected} in the backup")
        missing = check_files().missing
        for name in missing:
            self.stdout.write(f"MISSING {name}")
        if wrong or missing:
            raise CommandError("The restore is incomplete (see above).")
        self.stdout.write(
            f"Restored {sum(manifest['rows'].values())} rows and {len(manifest['files'])} "
            f"files from {directory}; every row and file checked."
        )
