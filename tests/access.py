"""The persona matrix's shared parts (ARCHITECTURE.md "Tests"): every protected page and
endpoint, for every persona. Anonymous → the login page (401 on the API); a wrong
persona → 404 (or 403) with **no change in any table**; the right persona → 200.

Each app's ``tests/<app>/test_access.py`` lists its routes as ``Case`` rows and declares
the route names it covers in ``ROUTES``; ``tests/test_routes.py`` fails when a route of
the project is in no matrix and not on the public list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection
from django.test import Client

from mening_uyim.demo import Cast
from tests.personas import PERSONA_KEYS

ALL = ("anonymous", *PERSONA_KEYS)
LOGIN = "login"
PROJECT_APPS = (
    "territory",
    "accounts",
    "organizations",
    "buildings",
    "lots",
    "dispatch",
    "voting",
    "billing",
    "mening_uyim",
)
# written by every request of a logged-in user, not by what the request asks for
VOLATILE = {"accounts.user": {"last_login"}}


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable[[Cast], str]
    expect: dict[str, Any]
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)

    def expected_for(self, key: str) -> Any:
        return self.expect.get(key, self.expect["default"])


def snapshot() -> dict[str, Any]:
    """Every row of every table of the project's apps (program items, decisions,
    amendments, ownership … included), as one text per table (a digest on PostgreSQL),
    read in one query."""
    labels, sql = _snapshot_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return dict(zip(labels, row, strict=True))


_SNAPSHOT: dict[str, tuple[list[str], str]] = {}


def _snapshot_sql() -> tuple[list[str], str]:
    """One SELECT of one column per table: its rows in pk order, every column but the
    volatile ones, as text (PostgreSQL: ``md5`` of ``string_agg`` of the rows; SQLite:
    ``group_concat`` of ``quote``d columns)."""
    vendor = connection.vendor
    if vendor in _SNAPSHOT:
        return _SNAPSHOT[vendor]
    quote = connection.ops.quote_name
    labels, parts = [], []
    for config in (apps.get_app_config(label) for label in PROJECT_APPS):
        for model in config.get_models():
            label = model._meta.label_lower
            skip = VOLATILE.get(label, set())
            columns = [quote(f.column) for f in model._meta.concrete_fields if f.name not in skip]
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            if vendor == "postgresql":
                cells = ", ".join(f"x.{c}" for c in columns)
                parts.append(  # identifiers from _meta, quoted
                    f"(SELECT md5(COALESCE(string_agg(CAST(ROW({cells}) AS text), '|' "  # noqa: S608
                    f"ORDER BY x.{pk}), '')) FROM {table} x)"
                )
            else:
                cells = " || ',' || ".join(f"quote({c})" for c in columns)
                parts.append(  # identifiers from _meta, quoted
                    f"(SELECT COALESCE(group_concat(r, '|'), '') FROM "  # noqa: S608
                    f"(SELECT {cells} AS r FROM {table} ORDER BY {pk}))"
                )
            labels.append(label)
    _SNAPSHOT[vendor] = (labels, "SELECT " + ", ".join(parts))
    return _SNAPSHOT[vendor]


def check(client: Client, cast: Cast, key: str, case: Case) -> None:
    """Request ``case`` as ``key`` and check the status and that nothing changed."""
    expected = case.expected_for(key)
    if key != "anonymous":
        client.force_login(cast.users[key])
    target = case.url(cast)
    before = snapshot()
    if case.method == "get":
        response = client.get(target, follow=(expected == 403 and key != "anonymous"))
    else:
        response = getattr(client, case.method)(target, case.data)
    if expected == LOGIN:
        assert response.status_code == 302, (case.name, key, response.status_code)
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/"))
    elif isinstance(expected, tuple):
        assert response.status_code in expected, (case.name, key, response.status_code)
    else:
        assert response.status_code == expected, (case.name, key, response.status_code)
    assert snapshot() == before, (case.name, key)
