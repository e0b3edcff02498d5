"""The evidence and sign-off history is insert-only in PostgreSQL, as the assessment tables are
(config.append_only, the one mechanism both apps use).

EvidenceFile keeps two write-once columns: the thumbnail a task makes after the upload, and
the moment the student took the file out of the working copy (earlier versions still show
it). A file that was never part of a submitted version may still be deleted: nobody else has
seen it. Everything else about a file, and every version, event and their links, stays as it
was recorded.
"""

from django.db import migrations

from config.append_only import Table, protect

TABLES = [
    "portfolios_evidenceversion",
    "portfolios_evidenceversion_criteria",
    "portfolios_evidenceversion_files",
    "portfolios_evidenceevent",
    "portfolios_signoffevent",
    "portfolios_feasibilityevent",
    Table(
        "portfolios_evidencefile",
        write_once=["thumbnail", "removed_at"],
        delete_when=(
            "NOT EXISTS (SELECT 1 FROM portfolios_evidenceversion_files "
            "WHERE evidencefile_id = OLD.id)"
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [("portfolios", "0004_moved_to_organisation")]

    operations = [protect(TABLES)]
