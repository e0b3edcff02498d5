"""Klassen and enrolments now live in organisation (organisation 0002). State only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("organisation", "0002_moved_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reportjob",
                    name="cohort",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='report_jobs', to='organisation.cohort'),
                ),
                migrations.AlterField(
                    model_name="reportjob",
                    name="enrolment",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='report_jobs', to='organisation.enrolment'),
                ),
            ],
            database_operations=[],
        ),
    ]
