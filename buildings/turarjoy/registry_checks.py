"""Turar-Joy import, step 1b: the checks of a parsed file against the registry.

Each reads what it needs in set-based queries (per 1000 buildings) and returns line errors;
the rules themselves are the services' (buildings.services), shared with the admin.
Nothing is written here.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from buildings.models import Building, Ownership
from buildings.services import (
    MSG_NEEDS_ELEVATOR_WEAR,
    Move,
    building_move_problems,
    ownership_history_problem,
)

if TYPE_CHECKING:
    from buildings.turarjoy.parse import ApartmentIn, Parsed


def registry_errors(parsed: Parsed, *, region_scope: int | None) -> list[dict[str, Any]]:
    return [
        *elevator_wear_errors(parsed),
        *move_errors(parsed, region_scope),
        *ownership_history_errors(parsed),
    ]


def elevator_wear_errors(parsed: Parsed) -> list[dict[str, Any]]:
    """A building with an elevator needs the elevators' wear (the file's value wins)."""
    missing = {key: line for key, (line, v) in parsed.assessments.items() if v["elevators"] is None}
    if not missing:
        return []
    with_elevator = {c for c, b in parsed.buildings.items() if b.fields["has_elevator"]}
    from_registry = {c for c, _k in missing} - set(parsed.buildings)
    if from_registry:
        with_elevator |= set(
            Building.objects.filter(
                cadastral_number__in=from_registry, has_elevator=True
            ).values_list("cadastral_number", flat=True)
        )
    return [
        {"line": line, "error": "wear.elevators: " + str(MSG_NEEDS_ELEVATOR_WEAR)}
        for (cadastral, _day), line in missing.items()
        if cadastral in with_elevator
    ]


def _existing(parsed: Parsed) -> dict[str, tuple[int, int, int]]:
    """(id, region id, district id) of the file's buildings already in the registry."""
    found: dict[str, tuple[int, int, int]] = {}
    cadastrals = list(parsed.buildings)
    for start in range(0, len(cadastrals), 1000):
        rows = Building.objects.filter(
            cadastral_number__in=cadastrals[start : start + 1000]
        ).values_list("cadastral_number", "pk", "region_id", "district_id")
        found.update({c: (pk, region, district) for c, pk, region, district in rows})
    return found


def move_errors(parsed: Parsed, region_scope: int | None) -> list[dict[str, Any]]:
    """Existing buildings whose region or district the file changes: the same rules as the
    admin (buildings.services.building_move_problems): not out of or into another region
    for a regional inspector, and not at all once the building's lot is past draft."""
    existing = _existing(parsed)
    moves: dict[int, Move] = {}
    lines: dict[int, int] = {}
    for cadastral, (pk, _region_id, _district_id) in existing.items():
        item = parsed.buildings[cadastral]
        region, district = item.fields["region"], item.fields["district"]
        moves[pk] = Move(region.pk, district.pk, region.pk)
        lines[pk] = item.line
    return [
        {"line": lines[pk], "error": f"{field}: {message}"}
        for pk, (field, message) in building_move_problems(moves, region_scope=region_scope).items()
    ]


def ownership_history_errors(parsed: Parsed) -> list[dict[str, Any]]:
    """Owners that change from a date before the apartment's recorded history: refused
    (buildings.services.ownership_history_problem), every such flat reported."""
    wanted: dict[tuple[str, str], tuple[int, int, ApartmentIn]] = {}
    today = timezone.localdate()
    for cadastral, item in parsed.buildings.items():
        for i, apt in enumerate(item.apartments):
            if apt.owners is not None:
                wanted[(cadastral, apt.number)] = (item.line, i, apt)
    if not wanted:
        return []
    earliest = min((a.owners_since or today) for _line, _i, a in wanted.values())
    current: dict[tuple[str, str], set[tuple[str, Fraction]]] = {}
    periods: dict[tuple[str, str], list[tuple[dt.date, dt.date | None]]] = {}
    cadastrals = sorted({key[0] for key in wanted})
    for start in range(0, len(cadastrals), 1000):
        rows = Ownership.objects.filter(
            Q(until__isnull=True) | Q(until__gte=earliest),
            apartment__building__cadastral_number__in=cadastrals[start : start + 1000],
        ).values_list(
            "apartment__building__cadastral_number",
            "apartment__number",
            "person__pinfl",
            "share_numerator",
            "share_denominator",
            "since",
            "until",
        )
        for cadastral, number, pinfl, num, den, since, until in rows:
            key = (cadastral, number)
            periods.setdefault(key, []).append((since, until))
            if until is None:
                current.setdefault(key, set()).add((pinfl, Fraction(num, den)))
    errors = []
    for key, (line, i, apt) in wanted.items():
        if key not in periods:
            continue
        assert apt.owners is not None
        if current.get(key, set()) == {(pinfl, share) for pinfl, _n, share in apt.owners}:
            continue  # the same owners: nothing changes, whatever the date
        problem = ownership_history_problem(periods[key], since=apt.owners_since or today)
        if problem:
            name = "owners_since" if apt.owners_since else "owners"
            errors.append({"line": line, "error": f"apartments[{i}].{name}: {problem}"})
    return errors
