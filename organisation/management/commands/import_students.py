from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisation.models import School
from organisation.student_import import StudentImportError, students_import


class Command(BaseCommand):
    help = (
        "Import students, klassen and inschrijvingen from a CSV file (see README, "
        "'Importing students'). All or nothing; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--school",
            help="School name (created if missing); defaults to the only school there is.",
        )

    def handle(self, *args, file: Path, school: str | None, **options):
        if school is None:
            names = list(School.objects.values_list("name", flat=True)[:2])
            if len(names) != 1:
                raise CommandError("Geef --school op: er is niet precies één school.")
            school = names[0]
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan {file} niet lezen: {exc}") from exc
        try:
            result = students_import(data=data, school_name=school)
        except StudentImportError as exc:
            for line, reason in exc.errors:
                self.stderr.write(f"regel {line}: {reason}" if line else reason)
            raise CommandError("Niets geïmporteerd.") from exc
        self.stdout.write(
            f"{result.rows} regels verwerkt: {result.users_created} nieuwe studenten, "
            f"{result.cohorts_created} nieuwe klassen, "
            f"{result.enrolments_created} nieuwe inschrijvingen."
        )
