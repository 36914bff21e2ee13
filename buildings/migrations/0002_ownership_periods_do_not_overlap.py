"""Ownership history in the database: periods of one apartment do not overlap (issue point 9).

Co-owners are written together, so they share a period: rows of one apartment whose
periods (since..until, until open = still current) overlap must start on the same day.
A back-dated change that left the old owners next to the new ones, or deleted later rows,
is what this refuses at the lowest level; buildings.services.ownership_replace refuses it
first, with a message.

- PostgreSQL: an exclusion constraint (btree_gist, a trusted extension since PG 13):
  same apartment, overlapping daterange, different start.
- SQLite: the same condition in BEFORE INSERT / BEFORE UPDATE triggers.

Note for later migrations: SQLite rebuilds a table to alter it, which drops its triggers.
tests/buildings/test_ownership.py::test_the_database_refuses_overlapping_periods fails if
that happens, so a migration that alters buildings_ownership must recreate them.
"""

from django.db import migrations

PG_NAME = "ownership_periods_of_one_apartment_do_not_overlap"
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"ALTER TABLE buildings_ownership ADD CONSTRAINT {PG_NAME} EXCLUDE USING gist ("
    " apartment_id WITH =,"
    " daterange(since, until, '[]') WITH &&,"
    " since WITH <>)",
]
PG_BACKWARD = [f"ALTER TABLE buildings_ownership DROP CONSTRAINT IF EXISTS {PG_NAME}"]

_OVERLAP = (
    "SELECT 1 FROM buildings_ownership o WHERE o.apartment_id = NEW.apartment_id"
    " AND o.since <> NEW.since"
    " AND o.since <= COALESCE(NEW.until, '9999-12-31')"
    " AND NEW.since <= COALESCE(o.until, '9999-12-31')"
)
SQLITE_FORWARD = [
    "CREATE TRIGGER ownership_no_overlap_insert BEFORE INSERT ON buildings_ownership"
    f" FOR EACH ROW WHEN EXISTS ({_OVERLAP})"
    f" BEGIN SELECT RAISE(ABORT, '{PG_NAME}'); END",
    "CREATE TRIGGER ownership_no_overlap_update BEFORE UPDATE ON buildings_ownership"
    f" FOR EACH ROW WHEN EXISTS ({_OVERLAP} AND o.id <> NEW.id)"
    f" BEGIN SELECT RAISE(ABORT, '{PG_NAME}'); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ownership_no_overlap_insert",
    "DROP TRIGGER IF EXISTS ownership_no_overlap_update",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("buildings", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
