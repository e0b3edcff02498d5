"""The "Beheerders" group, and the database guards of issue 11.

- Beheerders: exactly the model permissions a beheerder needs in /beheer/ (the school's
  people, klassen, leerbedrijven, BPV-periodes, assessment policies; exam records and the
  audit log to view only). organisation.services.user_create puts every beheerder in it.
- An enrolment's student never changes: moving an enrolment would move its vaststelling,
  sign-offs and evidence to someone else. A trigger refuses it, on PostgreSQL and SQLite.
- The audit log (ours and django-auditlog's) is append-only on PostgreSQL, by the one
  mechanism (config.append_only): UPDATE is refused; DELETE only of rows older than the
  retention period that the deleting transaction states (organisation.audit.audit_prune sets
  bekwaam.audit_retention_days with SET LOCAL); without it, no DELETE at all.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from config.append_only import Table, protect

# The map lives in organisation.roles so this migration and the service (which re-makes the
# group after a test flush) cannot drift apart.
from organisation.roles import BEHEERDERS, PERMISSIONS  # noqa: E402


def make_group(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("organisation", "User")
    group, _created = Group.objects.get_or_create(name=BEHEERDERS)
    codenames = [
        (app, f"{action}_{model}")
        for app, models in PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    perms = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in codenames
    ]
    group.permissions.set(perms)
    for user in User.objects.filter(role="beheerder"):
        user.groups.add(group)


def drop_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=BEHEERDERS).delete()


PG_GUARDS = """
CREATE OR REPLACE FUNCTION organisation_enrolment_keep_student() RETURNS trigger AS $$
BEGIN
    IF NEW.student_id IS DISTINCT FROM OLD.student_id THEN
        RAISE EXCEPTION 'the student of an enrolment cannot change (enrolment %)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portfolios_enrolment_keep_student BEFORE UPDATE ON portfolios_enrolment
    FOR EACH ROW EXECUTE FUNCTION organisation_enrolment_keep_student();

"""

PG_DROP = """
DROP TRIGGER IF EXISTS portfolios_enrolment_keep_student ON portfolios_enrolment;
DROP FUNCTION IF EXISTS organisation_enrolment_keep_student();
"""

# SQLite (development and most tests) gets the enrolment guard too; the audit log's
# append-only rule is PostgreSQL's, as for the other exam records.
SQLITE_GUARD = """
CREATE TRIGGER portfolios_enrolment_keep_student BEFORE UPDATE OF student_id
ON portfolios_enrolment FOR EACH ROW WHEN NEW.student_id IS NOT OLD.student_id
BEGIN SELECT RAISE(ABORT, 'the student of an enrolment cannot change'); END;
"""


def _older_than_retention(column: str) -> str:
    # CASE, not AND: SQL does not promise to test the setting before casting it.
    setting = "current_setting('bekwaam.audit_retention_days', true)"
    return (
        f"CASE WHEN {setting} ~ '^[0-9]+$' "
        f"THEN OLD.{column} < now() - make_interval(days => {setting}::int) ELSE false END"
    )


def guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_GUARDS, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_GUARD, params=None)


def drop_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS portfolios_enrolment_keep_student;")


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0005_activation_audit"),
        ("auditlog", "0017_add_actor_email"),
        ("assessments", "0003_moved_to_organisation"),
        ("portfolios", "0004_moved_to_organisation"),
        ("qualifications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(make_group, drop_group),
        migrations.RunPython(guards, drop_guards),
        protect(
            [
                Table("organisation_auditentry", delete_when=_older_than_retention("at")),
                Table("auditlog_logentry", delete_when=_older_than_retention("timestamp")),
            ]
        ),
    ]
