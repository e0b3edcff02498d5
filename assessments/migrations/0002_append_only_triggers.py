"""Exam-relevant rows are insert-only, enforced by PostgreSQL itself, not only by Python.

A trigger refuses every UPDATE and DELETE of beoordelingen, submissions, vaststellingen and
their scores (config.append_only, the one mechanism portfolios uses too). On SQLite, used for
development and most tests, this migration does nothing.

Databases migrated before config.append_only existed got a shared function
assessments_refuse_change() and <table>_insert_only triggers here; 0005 replaces those.
"""

from django.db import migrations

from config.append_only import protect

TABLES = [
    "assessments_beoordeling",
    "assessments_submission",
    "assessments_submittedscore",
    "assessments_vaststelling",
    "assessments_finalscore",
]


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [protect(TABLES)]
