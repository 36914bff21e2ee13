"""Ballots are never updated or deleted (DOMAIN.md "Verifiability"): the database refuses
it too, whatever path the statement comes from.

- PostgreSQL: a BEFORE UPDATE OR DELETE trigger that raises.
- SQLite: a BEFORE UPDATE trigger that aborts. No DELETE trigger there: Django's test
  runner empties tables with DELETE on SQLite (PostgreSQL uses TRUNCATE), and the
  development database is SQLite; deletes are refused by the model and its queryset.
"""

from django.db import migrations

PG_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION voting_ballot_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ballots are append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER voting_ballot_append_only BEFORE UPDATE OR DELETE ON voting_ballot"
    " FOR EACH ROW EXECUTE FUNCTION voting_ballot_append_only()",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS voting_ballot_append_only ON voting_ballot",
    "DROP FUNCTION IF EXISTS voting_ballot_append_only()",
]
SQLITE_FORWARD = [
    "CREATE TRIGGER voting_ballot_no_update BEFORE UPDATE ON voting_ballot"
    " BEGIN SELECT RAISE(ABORT, 'ballots are append-only'); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS voting_ballot_no_update",
    "DROP TRIGGER IF EXISTS voting_ballot_no_delete",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("voting", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
