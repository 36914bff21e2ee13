"""Meeting ballots are never updated or deleted (DOMAIN.md "Verifiability"), as election
ballots (0002): the database refuses it too, whatever path the statement comes from.

- PostgreSQL: a BEFORE UPDATE OR DELETE trigger that raises.
- SQLite: BEFORE UPDATE and BEFORE DELETE triggers that abort.
"""

from django.db import migrations

PG_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION voting_meetingballot_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'meeting ballots are append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER voting_meetingballot_append_only BEFORE UPDATE OR DELETE"
    " ON voting_meetingballot FOR EACH ROW EXECUTE FUNCTION voting_meetingballot_append_only()",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS voting_meetingballot_append_only ON voting_meetingballot",
    "DROP FUNCTION IF EXISTS voting_meetingballot_append_only()",
]
SQLITE_FORWARD = [
    "CREATE TRIGGER voting_meetingballot_no_update BEFORE UPDATE ON voting_meetingballot"
    " BEGIN SELECT RAISE(ABORT, 'meeting ballots are append-only'); END",
    "CREATE TRIGGER voting_meetingballot_no_delete BEFORE DELETE ON voting_meetingballot"
    " BEGIN SELECT RAISE(ABORT, 'meeting ballots are append-only'); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS voting_meetingballot_no_update",
    "DROP TRIGGER IF EXISTS voting_meetingballot_no_delete",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("voting", "0003_meetings")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
