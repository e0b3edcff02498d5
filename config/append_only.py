"""Exam records are insert-only, enforced by PostgreSQL itself: the one way to say so.

Both apps that keep exam history (portfolios: evidence, versions, files, sign-off and
feasibility events, but not the viewer's FilePreview images, which are derived and made
again from the file; assessments: beoordelingen, submissions, vaststellingen and their scores)
call `protect()` from their migrations. It installs, per table, a trigger function and a
BEFORE UPDATE OR DELETE row trigger that raises, so neither the ORM nor plain SQL can change
or remove a recorded row.

Why hand-written SQL and not django-pgtrigger: pgtrigger's triggers can be bypassed by any
role that runs `SET pgtrigger.ignore = '...'` (that is how its `pgtrigger.ignore()` works),
and the point here is that the app's own role cannot get past them. These triggers have no
switch; only the table owner (who runs migrations) can drop or disable them.

A table may name:
- `write_once`: columns that may be filled in once, from empty ('' or NULL) to a value, and
  never changed after that (a thumbnail made later by a task, the moment a file left the
  working copy). Every other column must stay exactly as it was.
- `delete_when`: an SQL condition on OLD under which a DELETE is fine (a file that was never
  part of a submitted version).

TRUNCATE fires no row trigger; the app's role has no TRUNCATE privilege (config.db_roles), so
only the owner can wipe a table (test database flushes). On SQLite this does nothing.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import migrations

MESSAGE = "bekwaam: % on % is refused: exam records are insert-only"


@dataclass(frozen=True)
class Table:
    name: str
    write_once: Sequence[str] = ()
    delete_when: str = ""

    @property
    def function(self) -> str:
        return f"{self.name}_append_only"

    @property
    def trigger(self) -> str:
        return f"{self.name}_append_only"

    def function_sql(self) -> str:
        allowed = []
        if self.write_once:
            columns = ", ".join(f"'{c}'" for c in self.write_once)
            rest_unchanged = (
                f"(to_jsonb(NEW) - ARRAY[{columns}]) = (to_jsonb(OLD) - ARRAY[{columns}])"
            )
            once = " AND ".join(
                f"(NEW.{c} IS NOT DISTINCT FROM OLD.{c} "
                f"OR to_jsonb(OLD) -> '{c}' IN ('null'::jsonb, '\"\"'::jsonb))"
                for c in self.write_once
            )
            allowed.append(
                f"IF TG_OP = 'UPDATE' AND {rest_unchanged} AND {once} THEN RETURN NEW; END IF;"
            )
        if self.delete_when:
            allowed.append(f"IF TG_OP = 'DELETE' AND ({self.delete_when}) THEN RETURN OLD; END IF;")
        body = "\n    ".join(allowed)
        return f"""
CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger AS $$
BEGIN
    {body}
    RAISE EXCEPTION '{MESSAGE}', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

    def install(self, schema_editor) -> None:
        schema_editor.execute(self.function_sql(), params=None)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.trigger} ON {self.name};")
        schema_editor.execute(
            f"CREATE TRIGGER {self.trigger} BEFORE UPDATE OR DELETE ON {self.name} "
            f"FOR EACH ROW EXECUTE FUNCTION {self.function}();"
        )

    def remove(self, schema_editor) -> None:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.trigger} ON {self.name};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {self.function}();")


def protect(tables: Iterable[str | Table]) -> migrations.RunPython:
    """A migration operation that makes these tables insert-only (PostgreSQL only)."""
    specs = [t if isinstance(t, Table) else Table(t) for t in tables]

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for spec in specs:
                spec.install(schema_editor)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for spec in specs:
                spec.remove(schema_editor)

    return migrations.RunPython(forwards, backwards, elidable=False)
