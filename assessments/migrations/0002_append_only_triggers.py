"""Exam-relevant rows are insert-only, enforced by PostgreSQL itself, not only by Python.

A trigger refuses every UPDATE and DELETE of beoordelingen, submissions, vaststellingen and
their scores. TRUNCATE (test database flushes, a deliberate full wipe) does not fire row
triggers. On SQLite, used for development and most tests, this migration does nothing.
"""

from django.db import migrations

TABLES = [
    "assessments_beoordeling",
    "assessments_submission",
    "assessments_submittedscore",
    "assessments_vaststelling",
    "assessments_finalscore",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION assessments_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'bekwaam: % on % is refused: exam records are insert-only',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_insert_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION assessments_refuse_change();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_insert_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS assessments_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
