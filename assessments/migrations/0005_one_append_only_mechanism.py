"""Databases made before config.append_only carry 0002's first triggers (one shared function
assessments_refuse_change() and <table>_insert_only triggers): drop those and install the
shared mechanism's, which refuse exactly the same. On a fresh database only the idempotent
re-install runs."""

from django.db import migrations

from config.append_only import protect

TABLES = [
    "assessments_beoordeling",
    "assessments_submission",
    "assessments_submittedscore",
    "assessments_vaststelling",
    "assessments_finalscore",
]


def drop_legacy(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_insert_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS assessments_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_default_scales")]

    operations = [
        migrations.RunPython(drop_legacy, migrations.RunPython.noop, elidable=False),
        protect(TABLES),
    ]
