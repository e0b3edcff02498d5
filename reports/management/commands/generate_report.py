"""For operations: make a student's progress report now, in this process, without a worker.

Uses the same rendering as the task, so the PDF is the one the app would hand out."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisation.models import Enrolment
from reports import services


class Command(BaseCommand):
    help = "Maak het voortgangsrapport (PDF) van een student, zonder Celery-worker."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--out", required=True, help="Pad van het PDF-bestand")
        parser.add_argument(
            "--crebo", default="", help="Kwalificatie, als de student er meer dan één volgt"
        )

    def handle(self, *args, username, out, crebo, **options):
        enrolments = Enrolment.objects.filter(student__username=username).select_related(
            "student", "qualification"
        )
        if crebo:
            enrolments = enrolments.filter(qualification__crebo=crebo)
        enrolments = list(enrolments)
        if not enrolments:
            raise CommandError(f"Geen inschrijving gevonden voor {username!r}.")
        if len(enrolments) > 1:
            raise CommandError("Meer dan één inschrijving: kies er een met --crebo.")
        rendered = services.render_student(enrolment=enrolments[0])
        Path(out).write_bytes(rendered.pdf)
        self.stdout.write(f"{out}: {len(rendered.pdf)} bytes, kenmerk {rendered.fingerprint}")
