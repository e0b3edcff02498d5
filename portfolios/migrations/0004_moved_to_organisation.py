"""The school's models now live in organisation (see organisation 0002): point the evidence
models' foreign keys there and forget the old models. State only; no table changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0003_notifications_thumbnails"),
        ("organisation", "0002_moved_models"),
        # Those apps point their own foreign keys at organisation first.
        ("assessments", "0003_moved_to_organisation"),
        ("reports", "0002_moved_to_organisation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="evidence",
                    name="enrolment",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='organisation.enrolment'),
                ),
                migrations.AlterField(
                    model_name="signoffevent",
                    name="enrolment",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sign_offs', to='organisation.enrolment'),
                ),
                migrations.AlterField(
                    model_name="feasibilityevent",
                    name="enrolment",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='feasibility_events', to='organisation.enrolment'),
                ),
                migrations.AlterField(
                    model_name="feasibilityevent",
                    name="leerbedrijf",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.leerbedrijf'),
                ),
                migrations.DeleteModel(name="BpvPeriode"),
                migrations.DeleteModel(name="Praktijkopleider"),
                migrations.DeleteModel(name="Enrolment"),
                migrations.DeleteModel(name="Cohort"),
                migrations.DeleteModel(name="Leerbedrijf"),
                migrations.DeleteModel(name="School"),
                migrations.DeleteModel(name="User"),
            ],
            database_operations=[],
        ),
    ]
