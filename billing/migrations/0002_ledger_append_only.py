"""The ledger's rules in the database (DOMAIN.md "Billing": "double entry and
append-only. Every transaction's entries sum to zero").

PostgreSQL:
- no UPDATE or DELETE of a transaction or an entry (BEFORE … FOR EACH ROW, raises);
- every transaction sums to zero, with at least two entries, **at commit** (a deferred
  constraint trigger on the transaction row: one check per transaction, so a month's
  accrual of a 7,000-apartment lot costs one sum, not 7,000);
- an entry joins only a transaction created in the same database transaction (a
  statement-level check on the inserted rows, via ``db_xact``: the id of the database
  transaction that created the ledger transaction), so that nothing is appended to a
  balanced transaction later.

SQLite (development and the fast suite): a BEFORE UPDATE trigger on both tables. No
DELETE trigger there: Django's test runner empties tables with DELETE on SQLite
(PostgreSQL uses TRUNCATE); deletes are refused by the models and their querysets.
"""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE billing_ledgertransaction ADD COLUMN db_xact bigint NOT NULL"
    " DEFAULT txid_current()",
    """
    CREATE OR REPLACE FUNCTION billing_ledger_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the ledger is append-only (%% on %%)', TG_OP, TG_TABLE_NAME;
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER billing_ledgertransaction_append_only BEFORE UPDATE OR DELETE"
    " ON billing_ledgertransaction FOR EACH ROW EXECUTE FUNCTION billing_ledger_append_only()",
    "CREATE TRIGGER billing_ledgerentry_append_only BEFORE UPDATE OR DELETE"
    " ON billing_ledgerentry FOR EACH ROW EXECUTE FUNCTION billing_ledger_append_only()",
    """
    CREATE OR REPLACE FUNCTION billing_ledger_balanced() RETURNS trigger AS $$
    DECLARE
        total numeric;
        n bigint;
    BEGIN
        SELECT COALESCE(SUM(amount_tiyin), 0), COUNT(*) INTO total, n
          FROM billing_ledgerentry WHERE transaction_id = NEW.id;
        IF total <> 0 OR n < 2 THEN
            RAISE EXCEPTION 'ledger transaction %% does not balance: %% tiyin over %% entries',
                NEW.id, total, n;
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE CONSTRAINT TRIGGER billing_ledgertransaction_balanced AFTER INSERT"
    " ON billing_ledgertransaction DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
    " EXECUTE FUNCTION billing_ledger_balanced()",
    """
    CREATE OR REPLACE FUNCTION billing_ledger_entries_join_new() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM (SELECT DISTINCT transaction_id FROM new_entries) n
              JOIN billing_ledgertransaction t ON t.id = n.transaction_id
             WHERE t.db_xact <> txid_current()
        ) THEN
            RAISE EXCEPTION 'entries may not be added to a committed ledger transaction';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER billing_ledgerentry_join_new AFTER INSERT ON billing_ledgerentry"
    " REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT"
    " EXECUTE FUNCTION billing_ledger_entries_join_new()",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS billing_ledgerentry_join_new ON billing_ledgerentry",
    "DROP FUNCTION IF EXISTS billing_ledger_entries_join_new()",
    "DROP TRIGGER IF EXISTS billing_ledgertransaction_balanced ON billing_ledgertransaction",
    "DROP FUNCTION IF EXISTS billing_ledger_balanced()",
    "DROP TRIGGER IF EXISTS billing_ledgerentry_append_only ON billing_ledgerentry",
    "DROP TRIGGER IF EXISTS billing_ledgertransaction_append_only ON billing_ledgertransaction",
    "DROP FUNCTION IF EXISTS billing_ledger_append_only()",
    "ALTER TABLE billing_ledgertransaction DROP COLUMN IF EXISTS db_xact",
]
SQLITE_FORWARD = [
    "CREATE TRIGGER billing_ledgertransaction_no_update BEFORE UPDATE"
    " ON billing_ledgertransaction BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END",
    "CREATE TRIGGER billing_ledgerentry_no_update BEFORE UPDATE"
    " ON billing_ledgerentry BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS billing_ledgertransaction_no_update",
    "DROP TRIGGER IF EXISTS billing_ledgerentry_no_update",
]


# schema_editor.execute passes parameters, so a literal % of PL/pgSQL is written %%.


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
