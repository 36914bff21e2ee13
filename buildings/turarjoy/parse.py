"""Turar-Joy import, step 1: read and validate every line (nothing is written here)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.validators import validate_pinfl
from buildings.models import ELEMENTS, Building, WallMaterial
from buildings.services import (
    assessment_date_problem,
    parse_share,
    shares_problem,
    wear_problem,
)
from buildings.turarjoy import registry_checks
from territory.models import District, Region

KINDS = ("building", "assessment", "consumption", "land_plot")
Progress = Callable[[str, int, int], None]


class LineError(Exception):
    pass


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    # Not errors: the file was imported. Each names its line, e.g. apartments that the
    # registry has and the file no longer lists (the import never deletes them).
    warnings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "warnings": self.warnings,
        }


# --- field readers: each raises LineError naming the field -------------------------------


def _need(record: dict[str, Any], name: str) -> Any:
    if name not in record or record[name] is None or record[name] == "":
        raise LineError(_("%(field)s: this field is required") % {"field": name})
    return record[name]


def _text(record: dict[str, Any], name: str, max_length: int) -> str:
    value = _need(record, name)
    if not isinstance(value, str):
        raise LineError(_("%(field)s: must be text") % {"field": name})
    value = value.strip()
    if len(value) > max_length:
        raise LineError(_("%(field)s: at most %(n)s characters") % {"field": name, "n": max_length})
    return value


def _bool(record: dict[str, Any], name: str, default: bool | None = None) -> bool:
    if name not in record and default is not None:
        return default
    value = _need(record, name) if default is None else record[name]
    if not isinstance(value, bool):
        raise LineError(_("%(field)s: must be true or false") % {"field": name})
    return value


def _int(
    record: dict[str, Any], name: str, low: int, high: int, *, required: bool = True
) -> int | None:
    if not required and record.get(name) is None:
        return None
    value = _need(record, name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise LineError(_("%(field)s: must be a whole number") % {"field": name})
    if not low <= value <= high:
        raise LineError(
            _("%(field)s: must be between %(low)s and %(high)s, got %(value)s")
            % {"field": name, "low": low, "high": high, "value": value}
        )
    return value


def _decimal(
    value: Any,
    name: str,
    *,
    low: Decimal | None = None,
    high: Decimal | None = None,
    positive: bool = False,
    places: int | None = 2,
) -> Decimal:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float | str):
        raise LineError(_("%(field)s: must be a number") % {"field": name})
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise LineError(_("%(field)s: must be a number") % {"field": name}) from None
    if not number.is_finite():
        raise LineError(_("%(field)s: must be a number") % {"field": name})
    # Round first, so that what is checked is what will be stored (0.001 m² is 0.00 m²).
    # places=None: the caller refuses extra precision instead (wear).
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    if positive and number <= 0:
        raise LineError(
            _("%(field)s: must be greater than 0, got %(value)s") % {"field": name, "value": value}
        )
    if (low is not None and number < low) or (high is not None and number > high):
        raise LineError(
            _("%(field)s: must be between %(low)s and %(high)s, got %(value)s")
            % {"field": name, "low": low, "high": high, "value": value}
        )
    return number


def _date(record: dict[str, Any], name: str) -> dt.date:
    value = _need(record, name)
    if not isinstance(value, str):
        raise LineError(_("%(field)s: must be a date YYYY-MM-DD") % {"field": name})
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise LineError(_("%(field)s: must be a date YYYY-MM-DD") % {"field": name}) from None


def _month(record: dict[str, Any], name: str) -> dt.date:
    value = str(_need(record, name))
    if not re.fullmatch(r"\d{4}-\d{2}", value):
        raise LineError(_("%(field)s: must be a month YYYY-MM") % {"field": name})
    try:
        return dt.date(int(value[:4]), int(value[5:]), 1)
    except ValueError:
        raise LineError(_("%(field)s: must be a month YYYY-MM") % {"field": name}) from None


# --- parsed records ----------------------------------------------------------------------


@dataclass
class ApartmentIn:
    number: str
    area_m2: Decimal
    rooms: int | None
    owners: list[tuple[str, str, Fraction]] | None  # (pinfl, full name, share)
    owners_since: dt.date | None = None  # None: from the day of the import


@dataclass
class BuildingIn:
    line: int
    cadastral: str
    fields: dict[str, Any]
    apartments: list[ApartmentIn]


class Resolver:
    """Region and district lookups, by name (Uzbek or Russian) or region code."""

    def __init__(self) -> None:
        self.regions: dict[str, Region] = {}
        for r in Region.objects.all():
            for key in (r.name, r.name_ru, r.code):
                if key:
                    self.regions[key.casefold()] = r
        self.districts: dict[tuple[int, str], District] = {}
        for d in District.objects.all():
            for key in (d.name, d.name_ru):
                if key:
                    self.districts[(d.region_id, key.casefold())] = d
        self.new_districts: dict[tuple[int, str], District] = {}

    def region(self, name: str) -> Region:
        region = self.regions.get(name.strip().casefold())
        if region is None:
            raise LineError(_("region: unknown region %(name)r") % {"name": name})
        return region

    def district(self, region: Region, name: str) -> District:
        key = (region.pk, name.strip().casefold())
        found = self.districts.get(key) or self.new_districts.get(key)
        if found is None:
            # A district new to the registry is created inside its region (issue 3).
            found = District(region=region, name=name.strip())
            self.new_districts[key] = found
        return found


def _parse_building(
    record: dict[str, Any], line: int, resolver: Resolver, region_scope: int | None
) -> BuildingIn:
    cadastral = _text(record, "cadastral_number", 40)
    region = resolver.region(_text(record, "region", 100))
    if region_scope is not None and region.pk != region_scope:
        raise LineError(_("region: outside the region you may import for"))
    district = resolver.district(region, _text(record, "district", 100))
    lat = _decimal(_need(record, "lat"), "lat", low=Decimal(37), high=Decimal(46), places=6)
    lon = _decimal(_need(record, "lon"), "lon", low=Decimal(55), high=Decimal(74), places=6)
    material = _text(record, "wall_material", 20).lower()
    if material not in WallMaterial.values:
        raise LineError(
            _("wall_material: must be one of %(values)s")
            % {"values": ", ".join(WallMaterial.values)}
        )
    solar_panels = _bool(record, "solar_panels", False)
    solar_transferred = _bool(record, "solar_transferred", False)
    if solar_transferred and not solar_panels:
        raise LineError(_("solar_transferred: there are no solar panels to transfer"))
    raw_apartments = _need(record, "apartments")
    if not isinstance(raw_apartments, list) or not raw_apartments:
        raise LineError(_("apartments: must be a non-empty list"))
    apartments: list[ApartmentIn] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_apartments):
        prefix = f"apartments[{i}]"
        if not isinstance(raw, dict):
            raise LineError(_("%(field)s: must be an object") % {"field": prefix})
        try:
            raw_number = raw.get("number")
            if isinstance(raw_number, bool):
                raise LineError(_("%(field)s: must be text") % {"field": "number"})
            number = str(raw_number) if isinstance(raw_number, int) else _text(raw, "number", 10)
            area = _decimal(raw.get("area_m2"), "area_m2", positive=True, high=Decimal(100000))
            rooms = _int(raw, "rooms", 1, 50, required=False)
            owners = _parse_owners(raw.get("owners"))
            since = _owners_since(raw, owners)
        except LineError as exc:
            raise LineError(f"{prefix}.{exc}") from None
        if number in seen:
            raise LineError(
                _("%(field)s.number: apartment %(number)s is listed twice")
                % {"field": prefix, "number": number}
            )
        seen.add(number)
        apartments.append(ApartmentIn(number, area, rooms, owners, since))
    living = sum((a.area_m2 for a in apartments), Decimal(0))
    total = None
    if record.get("total_area_m2") is not None:
        total = _decimal(
            record["total_area_m2"], "total_area_m2", positive=True, high=Decimal(10) ** 7
        )
    fields = {
        "region": region,
        "district": district,
        "address": _text(record, "address", 300),
        "lat": float(lat),
        "lon": float(lon),
        "year_built": _int(record, "year_built", 1800, dt.date.today().year + 5, required=False),
        "floors": _int(record, "floors", 1, 100),
        "entrances": _int(record, "entrances", 1, 100),
        "wall_material": material,
        "has_elevator": _bool(record, "has_elevator"),
        "cadastral_passport": _bool(record, "cadastral_passport"),
        "solar_panels": solar_panels,
        "solar_transferred": solar_transferred,
        # For a new building only: afterwards both follow the Apartment rows (the file may
        # list fewer flats than the registry holds; see write.py).
        "living_area_m2": living,
        "apartments_count": len(apartments),
        # Turar-Joy's total floor area (common areas included), when the line gives it.
        # A new building without it starts at its living area; an existing one keeps its own.
        "total_area_m2": total,
    }
    return BuildingIn(line, cadastral, fields, apartments)


def _parse_owners(raw: Any) -> list[tuple[str, str, Fraction]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw:
        raise LineError(_("owners: must be a non-empty list"))
    owners = []
    for j, owner in enumerate(raw):
        name = f"owners[{j}]"
        if not isinstance(owner, dict):
            raise LineError(_("%(field)s: must be an object") % {"field": name})
        pinfl = str(owner.get("pinfl", ""))
        try:
            validate_pinfl(pinfl)
        except ValidationError as exc:
            raise LineError(f"{name}.pinfl: {exc.messages[0]}") from None
        try:
            share = parse_share(owner.get("share", 1))
        except (ValueError, ZeroDivisionError, TypeError):
            raise LineError(
                _("%(field)s.share: must be a fraction like 1/2 or 0.5") % {"field": name}
            ) from None
        if share.denominator > 1_000_000:
            raise LineError(
                _("%(field)s.share: the denominator may be at most 1000000") % {"field": name}
            )
        if not 0 < share <= 1:
            raise LineError(
                _("%(field)s.share: must be greater than 0 and at most 1") % {"field": name}
            )
        full_name = str(owner.get("full_name", "")).strip()
        if not full_name:
            raise LineError(_("%(field)s.full_name: this field is required") % {"field": name})
        owners.append((pinfl, full_name[:200], share))
    if len({owner[0] for owner in owners}) != len(owners):
        raise LineError(_("owners: the same PINFL is listed twice"))
    problem = shares_problem(owner[2] for owner in owners)
    if problem:
        raise LineError(f"owners: {problem}")
    return owners


def _owners_since(raw: dict[str, Any], owners: list[Any] | None) -> dt.date | None:
    """The day the listed owners became the owners (optional; default: the import's day)."""
    if raw.get("owners_since") is None:
        return None
    if owners is None:
        raise LineError(_("owners_since: only with owners"))
    since = _date(raw, "owners_since")
    if since > timezone.localdate():
        raise LineError(_("owners_since: cannot be in the future"))
    return since


@dataclass
class Parsed:
    buildings: dict[str, BuildingIn] = field(default_factory=dict)
    assessments: dict[tuple[str, dt.date], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    consumption: dict[tuple[str, dt.date], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    land_plots: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)


def _parse_assessment(record: dict[str, Any]) -> tuple[dt.date, dict[str, Any]]:
    assessed_on = _date(record, "assessed_on")
    date_problem = assessment_date_problem(assessed_on)
    if date_problem:
        raise LineError(f"assessed_on: {date_problem}")
    wear = _need(record, "wear")
    if not isinstance(wear, dict):
        raise LineError(_("wear: must be an object with a value per element"))
    unknown = sorted(set(wear) - set(ELEMENTS))
    if unknown:
        raise LineError(_("wear: unknown element %(name)s") % {"name": unknown[0]})
    values: dict[str, Any] = {}
    for element in ELEMENTS:
        if element == "elevators" and wear.get(element) is None:
            values[element] = None
            continue
        name = f"wear.{element}"
        value = _decimal(wear.get(element), name, low=Decimal(0), high=Decimal(100), places=None)
        problem = wear_problem(value)  # more than one decimal is refused, never rounded
        if problem:
            raise LineError(f"{name}: {problem}")
        values[element] = value
    values["emergency"] = _bool(record, "emergency", False)
    return assessed_on, values


def _parse_consumption(record: dict[str, Any]) -> tuple[dt.date, dict[str, Any]]:
    month = _month(record, "month")
    values = {
        name: _decimal(record.get(name), name, low=Decimal(0), high=Decimal(10) ** 9)
        for name in ("electricity_kwh", "gas_m3", "water_m3")
    }
    return month, values


def _parse_land_plot(record: dict[str, Any]) -> dict[str, Any]:
    area = _decimal(record.get("area_m2"), "area_m2", positive=True, high=Decimal(10) ** 9)
    boundary = record.get("boundary")
    if boundary is not None:
        coords = boundary.get("coordinates") if isinstance(boundary, dict) else None
        if (
            not isinstance(boundary, dict)
            or boundary.get("type") != "Polygon"
            or not isinstance(coords, list)
            or not coords
            or not all(isinstance(ring, list) and len(ring) >= 4 for ring in coords)
        ):
            raise LineError(_("boundary: must be a GeoJSON Polygon"))
    return {"area_m2": area, "boundary": boundary}


def parse_lines(
    lines: Iterable[str | bytes],
    *,
    region_scope: int | None = None,
    progress: Progress | None = None,
) -> tuple[Parsed, list[dict[str, Any]]]:
    """Validate every line; return what was understood and every error (line numbers from 1)."""
    resolver = Resolver()
    parsed = Parsed()
    errors: list[dict[str, Any]] = []
    referenced: dict[str, list[int]] = {}
    for number, raw in enumerate(lines, start=1):
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        if not text.strip():
            continue
        try:
            record = json.loads(text)
            if not isinstance(record, dict):
                raise LineError(_("a line must be a JSON object"))
            kind = record.get("kind")
            if kind not in KINDS:
                raise LineError(_("kind: must be one of %(values)s") % {"values": ", ".join(KINDS)})
            if kind == "building":
                building = _parse_building(record, number, resolver, region_scope)
                if building.cadastral in parsed.buildings:
                    raise LineError(
                        _("cadastral_number: building %(number)s is already on line %(line)s")
                        % {
                            "number": building.cadastral,
                            "line": parsed.buildings[building.cadastral].line,
                        }
                    )
                parsed.buildings[building.cadastral] = building
                continue
            cadastral = _text(record, "cadastral_number", 40)
            referenced.setdefault(cadastral, []).append(number)
            if kind == "assessment":
                day, values = _parse_assessment(record)
                if (cadastral, day) in parsed.assessments:
                    raise LineError(_("assessed_on: this assessment is listed twice"))
                parsed.assessments[(cadastral, day)] = (number, values)
            elif kind == "consumption":
                month, values = _parse_consumption(record)
                if (cadastral, month) in parsed.consumption:
                    raise LineError(_("month: this month is listed twice"))
                parsed.consumption[(cadastral, month)] = (number, values)
            else:
                if cadastral in parsed.land_plots:
                    raise LineError(_("cadastral_number: the land plot is listed twice"))
                parsed.land_plots[cadastral] = (number, _parse_land_plot(record))
        except json.JSONDecodeError as exc:
            errors.append(
                {"line": number, "error": _("not valid JSON: %(reason)s") % {"reason": exc.msg}}
            )
        except LineError as exc:
            errors.append({"line": number, "error": str(exc)})
        if progress and number % 5000 == 0:
            progress("validated", number, 0)
    # Every reference must be to a building in this file or already in the registry.
    unknown = set(referenced) - set(parsed.buildings)
    if unknown:
        existing = set(
            Building.objects.filter(cadastral_number__in=unknown).values_list(
                "cadastral_number", flat=True
            )
        )
        scoped = existing
        if region_scope is not None and existing:
            scoped = set(
                Building.objects.filter(
                    cadastral_number__in=existing, region_id=region_scope
                ).values_list("cadastral_number", flat=True)
            )
        for cadastral in unknown - scoped:
            for line in referenced[cadastral]:  # every line that refers to it
                errors.append(
                    {
                        "line": line,
                        "error": _(
                            "cadastral_number: no building %(number)s in the registry or the file"
                        )
                        % {"number": cadastral},
                    }
                )
    errors.extend(registry_checks.registry_errors(parsed, region_scope=region_scope))
    errors.sort(key=lambda e: e["line"])
    # One error a line, as for the checks of a single line: the first found.
    first: dict[int, dict[str, Any]] = {}
    for error in errors:
        first.setdefault(error["line"], error)
    return parsed, list(first.values())
