from django.core.management.base import BaseCommand, CommandError

from qualifications.export import QualificationNotFound, find_qualification, qualification_as_json


class Command(BaseCommand):
    help = (
        "Print a kwalificatie as JSON (qualifications/schema/qualification-export.schema.json): "
        "every text, werkproces, gedrag criterium, competentie and vakkennis line that applies "
        "to it, profiel additions marked. IDENTIFIER is a crebo, a BK code or DOSSIER/PROFIEL."
    )

    def add_arguments(self, parser):
        parser.add_argument("identifier", help="25728, BK-0568-1 or 23296/P1")
        parser.add_argument("--dossier-version", type=int, default=None)

    def handle(self, *args, identifier, dossier_version, **options):
        try:
            qualification = find_qualification(identifier, version=dossier_version)
        except QualificationNotFound as exc:
            raise CommandError(f"Geen kwalificatie gevonden voor '{identifier}'.") from exc
        self.stdout.write(qualification_as_json(qualification))
