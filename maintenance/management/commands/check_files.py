"""manage.py check_files [--delete-orphans]: rows without their file, files without a row."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from maintenance.files import check_files, delete_orphans


class Command(BaseCommand):
    help = (
        "List file rows whose file is missing from storage, and stored files no row refers "
        "to. Exits with an error when a file is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="Delete stored files that no row refers to (older than --min-age).",
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=3600,
            help="Seconds an orphan must be old before it is deleted (an upload in "
            "progress has its file before its row). Default 3600.",
        )

    def handle(self, *args, delete_orphans: bool = False, min_age: int = 3600, **options):
        result = check_files()
        for name, rows in result.missing.items():
            self.stdout.write(f"MISSING {name} ({'; '.join(rows)})")
        for name in result.orphans:
            self.stdout.write(f"ORPHAN {name}")
        deleted = []
        if delete_orphans and result.orphans:
            deleted = _delete(result.orphans, min_age)
            for name in deleted:
                self.stdout.write(f"DELETED {name}")
        self.stdout.write(
            f"{result.referenced} referenced, {result.stored} stored, "
            f"{len(result.missing)} missing, {len(result.orphans)} orphaned, "
            f"{len(deleted)} deleted"
        )
        if result.missing:
            raise CommandError(f"{len(result.missing)} file(s) referenced but missing")


def _delete(orphans, min_age):
    return delete_orphans(orphans, min_age=datetime.timedelta(seconds=min_age))
