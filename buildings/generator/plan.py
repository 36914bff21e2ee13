"""Planning the building stock: where each building stands, how big it is, its shape.

Then writing the buildings and their land plots from the plan.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from buildings.generator.load import next_id, write_rows
from buildings.generator.names import STREETS
from buildings.models import BUILDING_PUBLIC_FIELDS
from territory.models import District, Region

TARGET_BUILDINGS = 44_000
TARGET_APARTMENTS = 2_000_000
# Relative building size by region: Tashkent city tall, Tashkent region above average.
DENSITY = {"UZ-TK": 1.65, "UZ-TO": 1.05}
Progress = Callable[[str], None]


@dataclass
class PlannedBuilding:
    id: int
    region_id: int
    district_id: int
    cadastral: str
    address: str
    lat: float
    lon: float
    year: int
    floors: int
    entrances: int
    material: str
    elevator: bool
    passport: bool
    solar: bool
    solar_transferred: bool
    method: str
    manager_id: int | None
    manager_name: str
    areas: list[Decimal]
    rooms: list[int]


def _neighbourhoods(
    d: dict[str, Any], rng: random.Random, *, city: bool
) -> list[tuple[float, float]]:
    """Centres of a district's micro-districts: many in a city, one or two in a rural centre."""
    count = max(2, round(6 * d["weight"])) if city else rng.choice([1, 1, 2])
    spread = 0.022 if city else 0.006
    return [
        (
            d["lat"] + max(-0.07, min(0.07, rng.gauss(0, spread))),
            d["lon"] + max(-0.07, min(0.07, rng.gauss(0, spread))),
        )
        for _ in range(count)
    ]


def _apartment_size(rng: random.Random, mean: float) -> int:
    # A log-normal spread around the region's mean, normalised so that its mean is 1.
    factor = rng.lognormvariate(-0.18, 0.6)
    return max(4, min(400, round(mean * factor)))


def _shape(size: int, rng: random.Random, tall: bool) -> tuple[int, int]:
    """Floors and entrances for a building of ``size`` flats (about 4 flats per landing)."""
    if size <= 12:
        floors = rng.choice([2, 3])
    elif size <= 40:
        floors = rng.choice([3, 4, 5])
    elif size <= 120:
        floors = rng.choice([5, 9] if not tall else [9, 9, 12])
    else:
        floors = rng.choice([9, 12, 16] if tall else [9, 9, 12])
    entrances = max(1, math.ceil(size / (floors * 4)))
    return floors, entrances


def _area(rooms: int, rng: random.Random) -> Decimal:
    low, high = {1: (28, 45), 2: (42, 65), 3: (58, 88), 4: (78, 115), 5: (95, 140)}[rooms]
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def plan_buildings(
    *,
    scale: float,
    rng: random.Random,
    reference: list[dict[str, Any]],
    regions: dict[str, Region],
    districts: dict[tuple[int, str], District],
    mc_ids: list[int],
    say: Progress,
) -> list[PlannedBuilding]:
    """Every building of the registry at ``scale``, with its flats' rooms and areas."""
    # How many buildings per region: apartments follow apartment_share, and buildings are
    # larger where DENSITY says so, with the national mean at 2.0 M / 44 k.
    weights = {r["code"]: r["apartment_share"] / DENSITY.get(r["code"], 0.92) for r in reference}
    total_weight = sum(weights.values())
    national_mean = TARGET_APARTMENTS / TARGET_BUILDINGS
    say("planning buildings")
    plan: list[PlannedBuilding] = []
    neighbourhoods: dict[int, list[tuple[float, float]]] = {}
    next_building = next_id("buildings_building")
    for r in reference:
        region = regions[r["code"]]
        n_buildings = round(TARGET_BUILDINGS * scale * weights[r["code"]] / total_weight)
        mean = national_mean * (r["apartment_share"] / weights[r["code"]]) * total_weight
        dweights = [d["weight"] for d in r["districts"]]
        tall = r["code"] == "UZ-TK"
        for _i in range(n_buildings):
            d = rng.choices(r["districts"], weights=dweights)[0]
            district = districts[(region.pk, d["name"])]
            # Housing stands in micro-districts (mahalla, massiv, kvartal): tight clusters
            # around the district's centre; a rural district has its centre town.
            clusters = neighbourhoods.setdefault(
                district.pk, _neighbourhoods(d, rng, city=d["kind"] == "city" or tall)
            )
            c_lat, c_lon = rng.choice(clusters)
            lat = d["lat"] + max(-0.08, min(0.08, c_lat - d["lat"] + rng.gauss(0, 0.0035)))
            lon = d["lon"] + max(-0.08, min(0.08, c_lon - d["lon"] + rng.gauss(0, 0.0035)))
            size = _apartment_size(rng, mean)
            floors, entrances = _shape(size, rng, tall)
            year = rng.choices(
                [
                    rng.randint(1950, 1969),
                    rng.randint(1970, 1991),
                    rng.randint(1992, 2010),
                    rng.randint(2011, 2025),
                ],
                weights=[15, 55, 12, 18],
            )[0]
            material = (
                "monolith"
                if year > 2010 and rng.random() < 0.6
                else rng.choices(["panel", "brick", "block", "other"], weights=[45, 40, 10, 5])[0]
            )
            solar = year > 2015 and rng.random() < 0.3
            method = rng.choices(["mc", "shirkat", "self", "none"], weights=[88, 7, 2, 3])[0]
            rooms = [
                rng.choices([1, 2, 3, 4, 5], weights=[18, 38, 32, 10, 2])[0] for _ in range(size)
            ]
            bid = next_building + len(plan)
            plan.append(
                PlannedBuilding(
                    id=bid,
                    region_id=region.pk,
                    district_id=district.pk,
                    cadastral=f"{r['code'][3:]}:{district.pk:03d}:{bid:07d}",
                    address=(
                        f"{d['name']}, {rng.choice(STREETS)} koʻchasi, {rng.randint(1, 120)}-uy"
                    ),
                    lat=round(lat, 6),
                    lon=round(lon, 6),
                    year=year,
                    floors=floors,
                    entrances=entrances,
                    material=material,
                    elevator=floors >= 6,
                    passport=rng.random() < 0.985,
                    solar=solar,
                    solar_transferred=solar and rng.random() < 0.75,
                    method=method,
                    manager_id=rng.choice(mc_ids) if method == "mc" else None,
                    manager_name=f"{rng.choice(STREETS)} shirkati"
                    if method == "shirkat"
                    else ("Oʻzini oʻzi boshqarish" if method == "self" else ""),
                    areas=[_area(k, rng) for k in rooms],
                    rooms=rooms,
                )
            )
    return plan


def write_buildings(plan: list[PlannedBuilding], rng: random.Random, say: Progress) -> int:
    say(f"writing {len(plan)} buildings")
    now = dt.datetime.now(dt.UTC)
    columns = [
        "id",
        "region_id",
        "district_id",
        "cadastral_number",
        *BUILDING_PUBLIC_FIELDS,
        "total_area_m2",
        "management_method",
        "manager_id",
        "manager_name",
        "cadastral_passport",
        "solar_panels",
        "solar_transferred",
        "commissioned_at",
        "classification",
        "created_at",
        "updated_at",
    ]

    def rows() -> Iterable[tuple[Any, ...]]:
        for b in plan:
            living = sum(b.areas, Decimal(0))
            total = (living * Decimal("1.18")).quantize(Decimal("0.01"))
            # Existing stock is in service; a few recent buildings await commissioning.
            commissioned = (
                None
                if b.year >= 2024 and rng.random() < 0.3
                else dt.datetime(max(b.year, 1950), 12, 1, tzinfo=dt.UTC)
            )
            # By name, so that the columns follow BUILDING_PUBLIC_FIELDS in whatever order.
            facts = {
                "address": b.address,
                "lat": b.lat,
                "lon": b.lon,
                "year_built": b.year,
                "floors": b.floors,
                "entrances": b.entrances,
                "wall_material": b.material,
                "has_elevator": b.elevator,
                "apartments_count": len(b.areas),
                "living_area_m2": living,
            }
            yield (
                b.id,
                b.region_id,
                b.district_id,
                b.cadastral,
                *[facts[f] for f in BUILDING_PUBLIC_FIELDS],
                total,
                b.method,
                b.manager_id,
                b.manager_name,
                b.passport,
                b.solar,
                b.solar_transferred,
                commissioned,
                "unassessed",
                now,
                now,
            )

    return write_rows("buildings_building", columns, rows())


def write_land_plots(plan: list[PlannedBuilding], rng: random.Random) -> int:
    first = next_id("buildings_landplot")
    rows: list[tuple[Any, ...]] = []
    for b in plan:
        if rng.random() < 0.8:
            footprint = sum(b.areas, Decimal(0)) / b.floors
            rows.append(
                (
                    first + len(rows),
                    b.id,
                    (footprint * Decimal("3.5")).quantize(Decimal("0.01")),
                    None,
                )
            )
    return write_rows("buildings_landplot", ["id", "building_id", "area_m2", "boundary"], rows)
