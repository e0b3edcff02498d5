from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qualifications.sbb.importer import SbbImportError, import_sbb_xml


class Command(BaseCommand):
    help = (
        "Import kwalificatiedossiers from SBB's XML export: every dossier in FILE, or only "
        "those named with --crebo. A dossier that students are enrolled on is never changed; "
        "a changed version of it becomes a new dossier version."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the SBB XML export")
        parser.add_argument(
            "--crebo",
            nargs="+",
            action="extend",
            default=[],
            metavar="N",
            help="Only these dossiers: dossier crebo, profiel crebo or SBB dossier number",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created or changed, and write nothing",
        )

    def handle(self, *args, file, crebo, dry_run, **options):
        try:
            report = import_sbb_xml(source=file, crebos=crebo, dry_run=dry_run)
        except FileNotFoundError as exc:
            raise CommandError(_("Bestand niet gevonden: %(file)s") % {"file": file}) from exc
        except SbbImportError as exc:
            raise CommandError(exc.message) from exc

        for outcome in report.dossiers:
            self.stdout.write(
                _(
                    "%(code)s %(title)s: %(action)s (versie %(version)s) — %(qualifications)s "
                    "kwalificaties (%(crebos)s), %(werkprocessen)s werkprocessen, "
                    "%(criteria)s gedragscriteria"
                )
                % {
                    "code": outcome.code,
                    "title": outcome.title,
                    "action": outcome.action_label,
                    "version": outcome.version,
                    "qualifications": outcome.qualifications,
                    "crebos": ", ".join(outcome.crebos) or "—",
                    "werkprocessen": outcome.werkprocessen,
                    "criteria": outcome.criteria,
                }
            )
            for warning in outcome.warnings:
                self.stderr.write(f"  {outcome.code}: {warning}")
        if dry_run:
            self.stdout.write(_("Proefdraai: er is niets opgeslagen."))
