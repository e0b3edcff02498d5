"""Beheerders may view the kerntaken, werkprocessen and competenties in /beheer/ (read
only): an exam record's page there links its werkproces, and an assessment policy's kerntaak
is picked from the list of kerntaken; both answered 403.

A new database gets them from 0006 already (it reads organisation.roles); this grants them
where 0006 ran before. Adding twice is harmless.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from organisation.roles import BEHEERDERS

MODELS = ("kerntaak", "werkproces", "competentie")


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="qualifications",
        codename__in=[f"view_{model}" for model in MODELS],
    )


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs them now.
    app_config = apps.get_app_config("qualifications")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = original
    for group in apps.get_model("auth", "Group").objects.filter(name=BEHEERDERS):
        group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=BEHEERDERS):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0009_beheerders_view_comments"),
        ("qualifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
