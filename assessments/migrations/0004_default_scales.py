"""The default rating scales, so that reading a beoordeling page never has to make one."""

from django.db import migrations

from assessments.scales import ensure_default_scales


def forwards(apps, schema_editor):
    ensure_default_scales(apps.get_model("assessments", "RatingScale"), apps.get_model("assessments", "RatingLevel"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_moved_to_organisation")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
