"""Writing generated rows fast: COPY on PostgreSQL, batched executemany on SQLite.

Ids are allocated by the generator (``next_id``), so the sequences are set afterwards.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


def next_id(table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # nosec B608 # table names of the generator, no user input
        return int(cur.fetchone()[0]) + 1


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\t" in text or "\n" in text or "\\" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def write_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` fast: COPY on PostgreSQL, batched executemany on SQLite."""
    count = 0
    cols = ", ".join(columns)
    if connection.vendor == "postgresql":
        raw = connection.connection  # psycopg 3 connection, inside Django's transaction
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(map(_copy_value, row)))
                buffer.write("\n")
                count += 1
                if count % 20_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        return count
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # nosec B608 # table names of the generator, no user input
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cur:
        for row in rows:
            batch.append([int(v) if isinstance(v, bool) else v for v in row])
            count += 1
            if len(batch) >= 5000:
                cur.executemany(sql, batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
    return count


def reset_sequences(tables: Iterable[str]) -> None:
    """Move each table's id sequence past the ids the load wrote, and never back: a
    sequence is not rolled back with a transaction, so moving one below a value it gave out
    earlier (to a row a rolled-back transaction wrote, kept elsewhere) would give it again."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for table in tables:
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cur.fetchone()[0]
            cur.execute(f"SELECT last_value, is_called FROM {sequence}")  # nosec B608 # the catalogue's name
            last, called = cur.fetchone()
            given = last if called else last - 1  # the highest value given out
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # nosec B608 # the generator's tables
            high = cur.fetchone()[0]
            cur.execute("SELECT setval(%s, %s, false)", [sequence, max(high, given) + 1])
