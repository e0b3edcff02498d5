"""`migrate`, first adopting a database made before the user model moved to organisation.

Such a database has portfolios 0001 (which made the user table) and, say, admin 0001 applied,
while admin 0001 now depends on organisation 0001: Django would refuse it as an inconsistent
history before running anything. organisation 0001 only moves the model's state (the table
stays), so recording it as applied is exactly what running it would do.
"""

from django.conf import settings
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

from config.db_roles import grant_app_role

USER_TABLE_MADE_BY = ("portfolios", "0001_initial")
USER_STATE_MOVED_BY = ("organisation", "0001_initial")


def adopt_previous_layout(database: str = DEFAULT_DB_ALIAS) -> bool:
    recorder = MigrationRecorder(connections[database])
    if not recorder.has_table():
        return False
    applied = recorder.applied_migrations()
    if USER_TABLE_MADE_BY in applied and USER_STATE_MOVED_BY not in applied:
        recorder.record_applied(*USER_STATE_MOVED_BY)
        return True
    return False


class Command(migrate.Command):
    def handle(self, *args, **options):
        if adopt_previous_layout(options["database"]) and options["verbosity"] >= 1:
            self.stdout.write("Adopted a database from before the move to organisation.")
        result = super().handle(*args, **options)
        # Run as the owner (DATABASE_MIGRATE_URL): the app's own role gets row access to what
        # the migrations made, and nothing more (config.db_roles).
        role = grant_app_role(connections[options["database"]], settings.DATABASE_APP_URL)
        if role and options["verbosity"] >= 1:
            self.stdout.write(f"Granted row access to the app's role {role}.")
        return result
