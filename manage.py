#!/usr/bin/env python
import os
import sys

# These run as the owner of the schema (DATABASE_MIGRATE_URL); everything else as the app's role.
OWNER_COMMANDS = {"migrate", "grant_app_role"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if sys.argv[1:2] and sys.argv[1] in OWNER_COMMANDS:
        os.environ.setdefault("BEKWAAM_DB_AS_OWNER", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
