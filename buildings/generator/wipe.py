"""Removing a previously generated registry (``--replace``)."""

from __future__ import annotations

from django.db import connection

# The ledger's entries name apartments without a foreign key (billing migration 0005), so
# neither PostgreSQL's TRUNCATE … CASCADE nor SQLite's DELETE would stop at them: the
# generator looks first. (The table is named, not imported: buildings sits below billing.)
LEDGER_ENTRIES = "billing_ledgerentry"


def registry_has_money() -> bool:
    """Whether any apartment has a ledger entry (then the registry is never wiped)."""
    if LEDGER_ENTRIES not in connection.introspection.table_names():
        return False
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT EXISTS (SELECT 1 FROM {LEDGER_ENTRIES} WHERE apartment_id IS NOT NULL)"  # nosec B608 # table names of the generator, no user input
        )
        return bool(cur.fetchone()[0])


REGISTRY_TABLES = [
    "buildings_landplot",
    "buildings_monthlyconsumption",
    "buildings_ownership",
    "buildings_conditionassessment",
    "buildings_apartment",
    "buildings_building",
]


def registry_wipe() -> None:
    """Delete the generated registry: buildings and everything hanging off them, owners
    without a login, and generated management companies."""
    with connection.cursor() as cur:
        cur.execute("UPDATE buildings_building SET latest_assessment_id = NULL")
        if connection.vendor == "postgresql":
            # TRUNCATE refuses while deferred FK checks are queued in this transaction.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
            cur.execute(f"TRUNCATE {', '.join(REGISTRY_TABLES)} CASCADE")
        else:
            for table in REGISTRY_TABLES:
                cur.execute(f"DELETE FROM {table}")  # nosec B608 # table names of the generator, no user input
        cur.execute(
            "DELETE FROM accounts_person WHERE user_id IS NULL AND id NOT IN "
            "(SELECT person_id FROM buildings_ownership)"
        )
        cur.execute(
            "DELETE FROM organizations_managementcompany WHERE tin LIKE '4%%' AND id NOT IN "
            "(SELECT organization_id FROM accounts_membership WHERE organization_id IS NOT NULL)"
        )
