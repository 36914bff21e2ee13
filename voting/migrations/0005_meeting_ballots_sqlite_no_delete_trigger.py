"""SQLite keeps only the UPDATE guard on meeting ballots, as on election ballots (0002):
Django's test runner empties tables with DELETE on SQLite (PostgreSQL uses TRUNCATE, and
its BEFORE UPDATE OR DELETE trigger of 0004 stays), so a DELETE trigger there breaks
every transactional test. Deletes stay refused by the model and its queryset.
"""

from django.db import migrations

DROP = "DROP TRIGGER IF EXISTS voting_meetingballot_no_delete"
CREATE = (
    "CREATE TRIGGER voting_meetingballot_no_delete BEFORE DELETE ON voting_meetingballot"
    " BEGIN SELECT RAISE(ABORT, 'meeting ballots are append-only'); END"
)


def _sqlite(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("voting", "0004_meeting_ballots_append_only")]
    operations = [migrations.RunPython(_sqlite(DROP), _sqlite(CREATE))]
