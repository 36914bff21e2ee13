"""Bulk-load tuning on PostgreSQL: triggers off, indexes rebuilt once, references proven.

Every function here is a no-op or unused on SQLite; the load runs inside one transaction,
so a failure leaves the schema and data as they were.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

from buildings.generator.errors import GeneratorRefused


def fast_load_on() -> bool:
    """On PostgreSQL, skip per-row foreign-key triggers for this transaction when allowed.

    Millions of deferred FK checks cost more than the load itself. The ids are allocated
    by the generator, and ``check_references`` verifies every reference afterwards in set-based SQL,
    so integrity is still proven before commit. Needs a superuser; otherwise the normal
    (slower) path runs.
    """
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        # Fire the checks queued by the wipe now: ALTER TABLE refuses pending trigger events.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        cur.execute("SET LOCAL synchronous_commit = off")
        try:
            with transaction.atomic():
                cur.execute("SET LOCAL session_replication_role = replica")
        except Exception:
            return False
    return True


REFERENCES = [
    ("buildings_building", "region_id", "territory_region"),
    ("buildings_building", "district_id", "territory_district"),
    ("buildings_building", "manager_id", "organizations_managementcompany"),
    ("buildings_apartment", "building_id", "buildings_building"),
    ("buildings_ownership", "apartment_id", "buildings_apartment"),
    ("buildings_ownership", "person_id", "accounts_person"),
    ("buildings_conditionassessment", "building_id", "buildings_building"),
    ("buildings_monthlyconsumption", "building_id", "buildings_building"),
    ("buildings_landplot", "building_id", "buildings_building"),
]


def check_references() -> None:
    """Every foreign key of the loaded rows points at a row (one anti-join per reference)."""
    with connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = origin")
        for table, column, target in REFERENCES:
            cur.execute(
                f"SELECT COUNT(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "  # nosec B608 # table names of the generator, no user input
                f"(SELECT 1 FROM {target} r WHERE r.id = t.{column})"
            )
            orphans = cur.fetchone()[0]
            if orphans:
                raise GeneratorRefused(f"{orphans} rows of {table}.{column} point nowhere")


LOADED_TABLES = [
    "buildings_apartment",
    "buildings_ownership",
    "accounts_person",
    "buildings_monthlyconsumption",
]


def indexes_off(tables: list[str]) -> Callable[[], None]:
    """Drop the secondary indexes, unique and exclusion constraints of ``tables`` (the
    ownership periods' one among them); return their rebuild, which checks them again.

    Building an index once over two million sorted rows is several times faster than
    maintaining it row by row during COPY. All of it is inside the load's transaction, so a
    failure leaves the schema as it was. Primary keys stay.
    """
    constraints: list[tuple[str, str, str]] = []
    indexes: list[str] = []
    with connection.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for table in tables:
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'x')",
                [table],
            )
            for name, definition in cur.fetchall():
                constraints.append((table, name, definition))
            cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [table],
            )
            rows = cur.fetchall()
            indexes.extend(definition for _name, definition in rows)
            for name, _definition in rows:
                cur.execute(f'DROP INDEX "{name}"')
        for table, name, _definition in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')

    def restore() -> None:
        with connection.cursor() as cur:
            for table, name, definition in constraints:
                cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for definition in indexes:
                cur.execute(definition)

    return restore


def analyze(tables: list[str]) -> None:
    """Fresh statistics, so that the first queries after a bulk load get good plans."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for table in [*tables, "buildings_building", "buildings_conditionassessment"]:
            cur.execute(f"ANALYZE {table}")
