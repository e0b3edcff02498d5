"""`manage.py grant_app_role`: what `migrate` does at its end, on its own (config.db_roles).

Runs as the owner (DATABASE_MIGRATE_URL); creates the app's role from DATABASE_URL if it is
missing and grants it row access to every table and sequence.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from config.db_roles import grant_app_role


class Command(BaseCommand):
    help = "Create the app's database role if missing and grant it row access (not ownership)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        role = grant_app_role(connections[options["database"]], settings.DATABASE_APP_URL)
        if role:
            self.stdout.write(f"Granted row access to role {role}.")
        else:
            self.stdout.write("The app connects as the owner itself: nothing to grant.")
