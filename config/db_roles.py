"""The app's PostgreSQL role: it may read and write rows, and nothing else.

`manage.py migrate` runs as the owner of the schema (DATABASE_MIGRATE_URL) and, when the app
connects as another role (DATABASE_URL), ends by calling `grant_app_role()`: it creates that
role if it is missing (with the password in DATABASE_URL) and grants SELECT, INSERT, UPDATE
and DELETE on every table, USAGE, SELECT and UPDATE on every sequence, and the same by default
on whatever later migrations make. The role owns nothing, so it cannot ALTER TABLE … DISABLE
TRIGGER, drop the insert-only triggers (config.append_only) or TRUNCATE. A role that is a
superuser, may create roles, bypasses row security, or owns anything in the database is
refused with an error instead of trusted.
"""

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from psycopg import sql

TABLE_PRIVILEGES = sql.SQL("SELECT, INSERT, UPDATE, DELETE")
# UPDATE for setval(): loaddata resets sequences after loading the dossier fixtures.
SEQUENCE_PRIVILEGES = sql.SQL("USAGE, SELECT, UPDATE")


def app_role_from_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return unquote(parts.username or ""), unquote(parts.password or "")


def grant_app_role(connection, app_url: str) -> str | None:
    """Make the role in `app_url` able to run the app on `connection`'s database (an owner's
    connection). Returns the role's name, or None when there is nothing to do (SQLite, or the
    app connects as the owner itself)."""
    if connection.vendor != "postgresql" or not app_url.startswith("postgres"):
        return None
    role, password = app_role_from_url(app_url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        owner, schema = cursor.fetchone()
        if not role or role == owner:
            return None
        cursor.execute(
            "SELECT rolsuper OR rolbypassrls OR rolcreaterole FROM pg_roles WHERE rolname = %s",
            [role],
        )
        row = cursor.fetchone()
        if row is None:
            statement = sql.SQL(
                "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            ).format(sql.Identifier(role))
            if password:
                statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
            cursor.execute(statement.as_string(connection.connection))
        elif row[0]:
            raise ImproperlyConfigured(
                f"The app's database role {role!r} is a superuser, may create roles or bypasses "
                "row security: it could switch off the insert-only triggers. Give the app a "
                "plain role in DATABASE_URL."
            )
        cursor.execute(
            """
            SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
             WHERE r.rolname = %s AND c.relnamespace = current_schema()::regnamespace
            """,
            [role],
        )
        (owned,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba "
            "WHERE r.rolname = %s AND d.datname = current_database()",
            [role],
        )
        (owned_db,) = cursor.fetchone()
        if owned or owned_db:
            raise ImproperlyConfigured(
                f"The app's database role {role!r} owns the database or {owned} of its tables: "
                "an owner can disable triggers and TRUNCATE. Let DATABASE_MIGRATE_URL's role "
                "own them (ALTER ... OWNER TO) and run migrate again."
            )
        ident = sql.Identifier(role)
        schema_ident = sql.Identifier(schema)
        owner_ident = sql.Identifier(owner)
        for statement in [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(connection.settings_dict["NAME"]), ident
            ),
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema_ident, ident),
            sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(schema_ident, ident),
            sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(
                TABLE_PRIVILEGES, schema_ident, ident
            ),
            sql.SQL("GRANT {} ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                SEQUENCE_PRIVILEGES, schema_ident, ident
            ),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT {} ON TABLES TO {}"
            ).format(owner_ident, schema_ident, TABLE_PRIVILEGES, ident),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT {} ON SEQUENCES TO {}"
            ).format(owner_ident, schema_ident, SEQUENCE_PRIVILEGES, ident),
        ]:
            cursor.execute(statement.as_string(connection.connection))
    return role
