"""Issued badges are insert-only in PostgreSQL, as the exam records they attest
(config.append_only, the one mechanism every app uses).

The token is the one column filled in after the INSERT: the signed credential carries the
row's id (its bit in the school's status list), which exists only once the row does, so
services._issue writes the token by one UPDATE in the same transaction. The trigger allows
exactly that, from '' to a value, once; every other column, and the token once written, stay
as they were, and no badge is ever deleted. A revocation changes no row: the status list is
computed from the vaststellingen and sign-off events (selectors.revoked_indexes).
"""

from django.db import migrations

from config.append_only import Table, protect


class Migration(migrations.Migration):
    dependencies = [("credentials", "0002_credential_for_sign_off")]

    operations = [protect([Table("credentials_credential", write_once=["token"])])]
