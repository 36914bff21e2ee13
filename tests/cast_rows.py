"""The personas' rows, made once per test process and put back in each test's database.

``mening_uyim.demo.personas_ensure`` makes the cast through the services (companies,
logins, memberships, buildings A, B and C through the Turar-Joy importer, TOTP): about
a quarter of a second, which most tests of the suite paid again. Here it runs once, in
a transaction that is rolled back, and the rows it wrote are kept (each model's values,
pks included). A test's ``cast`` then writes those rows with one ``bulk_create`` per
model, inside its own transaction, and reads the cast back by pk: the same rows, the
same pks, in a few milliseconds.

- The rows are taken on a clean clock and settings (the session's start, or the end of
  a test), never inside a test that froze time.
- The id sequences are moved past the kept pks once, so that rows a test makes before
  its cast never take a pk of the cast.
- The rows point at the regions and districts that migrations load. A transactional
  test's flush loads those again with new pks (tests/conftest.py), so the rows are
  taken again then (``fresh``), keyed by the reference rows' pks.
- When the rows cannot be taken as rows (personas_ensure changed or removed a row that
  was there before, a model with parents, or a reference to an earlier row the key does
  not watch), or cannot be written back (a test made a clashing row first), ``cast``
  falls back to ``personas_ensure`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min, Model

from mening_uyim.demo import Cast, personas_ensure


@dataclass
class _Kept:
    key: tuple[Any, ...]
    rows: list[tuple[type[Model], list[dict[str, Any]]]]
    users: dict[str, int]
    places: dict[str, int]


_kept: _Kept | None = None
_unusable_key: tuple[Any, ...] | None = None


def _models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _reference_key() -> tuple[Any, ...]:
    """Which reference rows (regions, districts, unit costs) the database holds now."""
    from lots.models import UnitCost
    from territory.models import District, Region

    marks = [
        model._base_manager.aggregate(low=Min("pk"), high=Max("pk"))
        for model in (Region, District, UnitCost)
    ]
    return (connection.settings_dict["NAME"], *((m["low"], m["high"]) for m in marks))


def _state() -> dict[type[Model], dict[Any, dict[str, Any]]]:
    return {model: {row["pk"]: row for row in _values(model)} for model in _models()}


def _values(model: type[Model]) -> list[dict[str, Any]]:
    names = [field.attname for field in model._meta.concrete_fields]
    rows = []
    for row in model._base_manager.order_by("pk").values(*names):
        row["pk"] = row[model._meta.pk.attname]
        rows.append(row)
    return rows


def _take(password: str) -> _Kept | None:
    """personas_ensure in a transaction rolled back; the rows it added, or None when it
    did more than add rows."""
    kept: _Kept | None = None
    with transaction.atomic():
        before = _state()
        cast = personas_ensure(password=password)
        after = _state()
        rows: list[tuple[type[Model], list[dict[str, Any]]]] = []
        usable = True
        for model, now in after.items():
            then = before[model]
            if any(pk not in now or now[pk] != row for pk, row in then.items()):
                usable = False  # a row changed or went: not a matter of adding rows
            added = [
                {k: v for k, v in row.items() if k != "pk"}
                for pk, row in now.items()
                if pk not in then
            ]
            if added and model._meta.parents:
                usable = False
            if added:
                rows.append((model, added))
        usable = usable and _references_kept(rows, before)
        if usable:
            kept = _Kept(
                key=_reference_key(),
                rows=rows,
                users={key: user.pk for key, user in cast.users.items()},
                places={
                    "region": cast.region.pk,
                    "other_region": cast.other_region.pk,
                    "district": cast.district.pk,
                    "other_district": cast.other_district.pk,
                    "mc": cast.mc.pk,
                    "rival_mc": cast.rival_mc.pk,
                },
            )
        transaction.set_rollback(True)
    if kept is not None:
        _sequences_past(kept)
    return kept


def _references_kept(
    rows: list[tuple[type[Model], list[dict[str, Any]]]],
    before: dict[type[Model], dict[Any, dict[str, Any]]],
) -> bool:
    """Whether every reference of the added rows points at an added row or at a reference
    row that ``_reference_key`` watches: a row that a flush reloads under another pk (a
    content type, a permission) would leave a written-back row pointing nowhere."""
    from lots.models import UnitCost
    from territory.models import District, Region

    watched = (Region, District, UnitCost)
    added = {model: {row[model._meta.pk.attname] for row in batch} for model, batch in rows}
    for model, batch in rows:
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if not isinstance(target, type) or target._meta.concrete_model in watched:
                continue
            concrete: type[Model] = target._meta.concrete_model or target
            for row in batch:
                value = row[field.attname]
                if value is None or value in added.get(concrete, ()):
                    continue
                if value in before.get(concrete, {}):
                    return False  # an earlier row that the key does not watch
    return True


def _sequences_past(kept: _Kept) -> None:
    """Move each table's id sequence past the kept pks (committed, once)."""
    for model, rows in kept.rows:
        pk = model._meta.pk
        high = max(row[pk.attname] for row in rows)
        if not isinstance(high, int):
            continue
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(q.s, GREATEST(%s, COALESCE(pg_sequence_last_value(q.s), 0))) "
                    "FROM (SELECT CAST(pg_get_serial_sequence(%s, %s) AS regclass) AS s) AS q",
                    [high, table, pk.column],
                )
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                found = cursor.fetchone()
                if found is None:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, high]
                    )
                elif found[0] < high:
                    cursor.execute(
                        "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [high, table]
                    )


def fresh(password: str) -> None:
    """Take the rows (again) unless the ones kept fit the reference rows there now. Called
    outside any test's transaction."""
    global _kept, _unusable_key
    key = _reference_key()
    if (_kept is not None and _kept.key == key) or _unusable_key == key:
        return
    _kept = _take(password)
    _unusable_key = None if _kept is not None else key


def cast(password: str) -> Cast:
    """The cast in the test's database: the kept rows written back, else personas_ensure."""
    kept = _kept
    if kept is not None and kept.key == _reference_key():
        try:
            with transaction.atomic():
                for model, rows in kept.rows:
                    model._base_manager.bulk_create([model(**row) for row in rows])
        except IntegrityError:
            pass  # a row of the test's own was there first: made the long way below
        else:
            return _read(kept)
    return personas_ensure(password=password)


def _read(kept: _Kept) -> Cast:
    from accounts.models import User
    from organizations.models import ManagementCompany
    from territory.models import District, Region

    users = User.objects.in_bulk(kept.users.values())
    places = kept.places
    regions = Region.objects.in_bulk([places["region"], places["other_region"]])
    districts = District.objects.in_bulk([places["district"], places["other_district"]])
    companies = ManagementCompany.objects.in_bulk([places["mc"], places["rival_mc"]])
    return Cast(
        users={key: users[pk] for key, pk in kept.users.items()},
        region=regions[places["region"]],
        other_region=regions[places["other_region"]],
        district=districts[places["district"]],
        other_district=districts[places["other_district"]],
        mc=companies[places["mc"]],
        rival_mc=companies[places["rival_mc"]],
    )
