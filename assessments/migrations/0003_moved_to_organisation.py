"""Enrolments and assessor assignments now live in organisation (organisation 0002).
State only; no table changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_append_only_triggers"),
        ("organisation", "0002_moved_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="beoordeling",
                    name="enrolment",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='beoordelingen', to='organisation.enrolment'),
                ),
                migrations.DeleteModel(name="AssessorAssignment"),
            ],
            database_operations=[],
        ),
    ]
