"""Beheerders may view the reacties (portfolios.Comment and CommentRevision) in /beheer/, as
the other exam records: view only, their admins are read-only.

A new database gets them from 0006 already (it reads organisation.roles); this grants them
where 0006 ran before the reacties existed. Adding twice is harmless.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from organisation.roles import BEHEERDERS, PERMISSIONS

MODELS = ("comment", "commentrevision")


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model}" for model in MODELS for action in PERMISSIONS["portfolios"][model]
    ]
    return Permission.objects.filter(content_type__app_label="portfolios", codename__in=codenames)


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs them now.
    app_config = apps.get_app_config("portfolios")
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
        ("organisation", "0008_user_sort_name"),
        ("portfolios", "0011_comments"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
