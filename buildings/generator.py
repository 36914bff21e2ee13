"""National data generator (`generate_national`): a realistic, deterministic registry.

Scale 1: the 14 regions with their real districts and cities, 44,000 buildings (±1 %),
1.9–2.1 M apartments, owners with valid-format PINFLs (about 12 % of flats co-owned),
assessments for about 95 % of buildings in an age-driven mix, 12 months of consumption,
land plots, coordinates around each district's centre, Tashkent city dense and tall.

Rows are produced in Python from one seeded ``random.Random`` (deterministic for a seed)
and written with PostgreSQL's COPY (or batched executemany on SQLite) with ids allocated
here, so that account numbers can be derived from building ids without a second pass.
Classification afterwards is the set-based ``reclassify_all``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from buildings.classification import reclassify_all
from buildings.models import ELEMENTS, Building, District, Region, account_number_for
from buildings.reference import regions_ensure, regions_reference

TARGET_BUILDINGS = 44_000
TARGET_APARTMENTS = 2_000_000
# Relative building size by region: Tashkent city tall, Tashkent region above average.
DENSITY = {"UZ-TK": 1.65, "UZ-TO": 1.05}
Progress = Callable[[str], None]

MALE = [
    "Aziz",
    "Bobur",
    "Jasur",
    "Otabek",
    "Sardor",
    "Rustam",
    "Farhod",
    "Sherzod",
    "Dilshod",
    "Ulugʻbek",
    "Akmal",
    "Bekzod",
    "Javlon",
    "Nodir",
    "Anvar",
    "Alisher",
    "Shoxrux",
    "Islom",
    "Timur",
    "Ravshan",
    "Sanjar",
    "Murod",
    "Eldor",
    "Zafar",
]
FEMALE = [
    "Dilnoza",
    "Malika",
    "Nodira",
    "Shahnoza",
    "Gulnora",
    "Zarina",
    "Madina",
    "Nilufar",
    "Feruza",
    "Sevara",
    "Kamola",
    "Dildora",
    "Mohira",
    "Laylo",
    "Gulbahor",
    "Munisa",
    "Zulfiya",
    "Barno",
    "Yulduz",
    "Saida",
]
SURNAMES = [
    "Karimov",
    "Toshmatov",
    "Rahimov",
    "Aliyev",
    "Yusupov",
    "Saidov",
    "Ergashev",
    "Nazarov",
    "Qodirov",
    "Mirzayev",
    "Abdullayev",
    "Rasulov",
    "Xolmatov",
    "Usmonov",
    "Tursunov",
    "Ismoilov",
    "Sobirov",
    "Jurayev",
    "Hamidov",
    "Sultonov",
    "Normatov",
    "Qosimov",
    "Boboyev",
    "Islomov",
    "Fayzullayev",
    "Haydarov",
]
PATRONYMIC = ["oʻgʻli", "qizi"]
STREETS = [
    "Amir Temur",
    "Mustaqillik",
    "Navoiy",
    "Bobur",
    "Mirzo Ulugʻbek",
    "Istiqlol",
    "Buyuk Ipak Yoʻli",
    "Bunyodkor",
    "Fargʻona yoʻli",
    "Sharq",
    "Yangi hayot",
    "Gulbahor",
    "Oʻzbekiston",
    "Mehrjon",
    "Doʻstlik",
    "Bogʻishamol",
    "Choshtepa",
    "Zarqaynar",
]


@dataclass
class Counts:
    regions: int = 0
    districts: int = 0
    management_companies: int = 0
    buildings: int = 0
    apartments: int = 0
    persons: int = 0
    ownerships: int = 0
    assessments: int = 0
    consumption: int = 0
    land_plots: int = 0
    classes: dict[str, int] = field(default_factory=dict)


class GeneratorRefused(Exception):
    pass


# --- writing ------------------------------------------------------------------------------


def _next_id(table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
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
    sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
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


def _reset_sequences(tables: Iterable[str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )


def _fast_load_on() -> bool:
    """On PostgreSQL, skip per-row foreign-key triggers for this transaction when allowed.

    Millions of deferred FK checks cost more than the load itself. The ids are allocated
    here, and ``_check_references`` verifies every reference afterwards in set-based SQL,
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
    ("buildings_building", "region_id", "buildings_region"),
    ("buildings_building", "district_id", "buildings_district"),
    ("buildings_building", "manager_id", "organizations_managementcompany"),
    ("buildings_apartment", "building_id", "buildings_building"),
    ("buildings_ownership", "apartment_id", "buildings_apartment"),
    ("buildings_ownership", "person_id", "accounts_person"),
    ("buildings_conditionassessment", "building_id", "buildings_building"),
    ("buildings_monthlyconsumption", "building_id", "buildings_building"),
    ("buildings_landplot", "building_id", "buildings_building"),
]


def _check_references() -> None:
    """Every foreign key of the loaded rows points at a row (one anti-join per reference)."""
    with connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = origin")
        for table, column, target in REFERENCES:
            cur.execute(
                f"SELECT COUNT(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "
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


def _indexes_off(tables: list[str]) -> Callable[[], None]:
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


def _analyze(tables: list[str]) -> None:
    """Fresh statistics, so that the first queries after a bulk load get good plans."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for table in [*tables, "buildings_building", "buildings_conditionassessment"]:
            cur.execute(f"ANALYZE {table}")


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
                cur.execute(f"DELETE FROM {table}")
        cur.execute(
            "DELETE FROM accounts_person WHERE user_id IS NULL AND id NOT IN "
            "(SELECT person_id FROM buildings_ownership)"
        )
        cur.execute(
            "DELETE FROM organizations_managementcompany WHERE tin LIKE '4%%' AND id NOT IN "
            "(SELECT organization_id FROM accounts_membership WHERE organization_id IS NOT NULL)"
        )


# --- generation ---------------------------------------------------------------------------


@dataclass
class _Building:
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


def _pinfl(index: int, rng: random.Random) -> str:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 65))
    sex = index % 2
    century = ("3", "4")[sex] if born.year < 2000 else ("5", "6")[sex]
    return f"{century}{born:%d%m%y}{index % 10_000_000:07d}"


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


def generate(
    *, scale: float, seed: int, replace: bool = False, progress: Progress | None = None
) -> tuple[Counts, float]:
    """Generate the national registry at ``scale``; returns the counts and the seconds."""
    if settings.PRODUCTION:
        raise GeneratorRefused("generate_national never runs with DJANGO_ENV=production")
    if scale <= 0 or scale > 2:
        raise GeneratorRefused("scale must be in (0, 2]")
    say = progress or (lambda message: None)
    started = time.perf_counter()
    with transaction.atomic():
        if Building.objects.exists():
            if not replace:
                raise GeneratorRefused(
                    "the registry already has buildings; use --replace to regenerate it"
                )
            say("removing the previous registry")
            registry_wipe()
        regions_ensure(Region, District)
        fast = _fast_load_on()
        restore = _indexes_off(LOADED_TABLES) if fast else None
        counts = _generate(scale, seed, say)
        if restore is not None:
            say("building indexes")
            restore()
        if fast:
            _check_references()
        _analyze(LOADED_TABLES)
        _reset_sequences([*REGISTRY_TABLES, "accounts_person", "organizations_managementcompany"])
        say("classifying")
        counts.classes = reclassify_all()
    return counts, time.perf_counter() - started


def _generate(scale: float, seed: int, say: Progress) -> Counts:
    rng = random.Random(seed)
    counts = Counts()
    reference = regions_reference()
    regions = {r.code: r for r in Region.objects.all()}
    districts = {(d.region_id, d.name): d for d in District.objects.all()}
    counts.regions, counts.districts = len(regions), len(districts)

    # Management companies (900+ nationally) and associations (200+).
    mc_first = _next_id("organizations_managementcompany")
    n_mc = max(3, round(900 * scale))
    mc_rows = []
    for i in range(n_mc):
        # Most meet the minimum requirements; some lack funds, a base or a dispatch service.
        funds_som = rng.choice([rng.randint(50, 490), rng.randint(500, 9000)]) * 1_000_000
        mc_rows.append(
            (
                mc_first + i,
                f"{rng.choice(STREETS)} {rng.choice(['Servis', 'Uy-Joy', 'Komfort', 'Xizmat'])} "
                f"{i + 1} MChJ",
                f"{400_000_000 + i:09d}",
                "",
                f"+99871{2_000_000 + i:07d}",
                funds_som * 100,
                rng.random() < 0.9,
                "Ustaxona, avtotransport, asbob-uskunalar",
                rng.random() < 0.85,
                rng.randint(12, 240),
                "registered",
            )
        )
    counts.management_companies = write_rows(
        "organizations_managementcompany",
        [
            "id",
            "name",
            "tin",
            "address",
            "dispatch_phone",
            "own_funds_tiyin",
            "has_material_base",
            "material_base",
            "dispatch_24h",
            "staff_count",
            "status",
        ],
        mc_rows,
    )
    mc_ids = [row[0] for row in mc_rows]

    # How many buildings per region: apartments follow apartment_share, and buildings are
    # larger where DENSITY says so, with the national mean at 2.0 M / 44 k.
    weights = {r["code"]: r["apartment_share"] / DENSITY.get(r["code"], 0.92) for r in reference}
    total_weight = sum(weights.values())
    national_mean = TARGET_APARTMENTS / TARGET_BUILDINGS
    say("planning buildings")
    plan: list[_Building] = []
    neighbourhoods: dict[int, list[tuple[float, float]]] = {}
    next_building = _next_id("buildings_building")
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
                _Building(
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
    counts.buildings = _write_buildings(plan, rng, say)
    counts.apartments, counts.persons, counts.ownerships = _write_apartments(plan, rng, say)
    counts.assessments = _write_assessments(plan, rng, say)
    counts.consumption = _write_consumption(plan, rng, say)
    counts.land_plots = _write_land_plots(plan, rng)
    return counts


def _write_buildings(plan: list[_Building], rng: random.Random, say: Progress) -> int:
    say(f"writing {len(plan)} buildings")
    now = dt.datetime.now(dt.UTC)
    columns = [
        "id",
        "region_id",
        "district_id",
        "cadastral_number",
        "address",
        "lat",
        "lon",
        "year_built",
        "floors",
        "entrances",
        "wall_material",
        "has_elevator",
        "total_area_m2",
        "living_area_m2",
        "apartments_count",
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
            yield (
                b.id,
                b.region_id,
                b.district_id,
                b.cadastral,
                b.address,
                b.lat,
                b.lon,
                b.year,
                b.floors,
                b.entrances,
                b.material,
                b.elevator,
                total,
                living,
                len(b.areas),
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


def _write_apartments(
    plan: list[_Building], rng: random.Random, say: Progress
) -> tuple[int, int, int]:
    total = sum(len(b.areas) for b in plan)
    say(f"writing {total} apartments with their owners")
    apt_first = _next_id("buildings_apartment")
    person_first = _next_id("accounts_person")
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    apartments: list[tuple[Any, ...]] = []
    persons: list[tuple[Any, ...]] = []
    ownerships: list[tuple[Any, ...]] = []
    apt_id = apt_first
    owners_pool: list[int] = []
    for b in plan:
        for index, (area, rooms) in enumerate(zip(b.areas, b.rooms, strict=True), start=1):
            apartments.append(
                (apt_id, b.id, str(index), area, rooms, account_number_for(b.id, index))
            )
            roll = rng.random()
            shares = (
                [(1, 1)]
                if roll < 0.88
                else ([(1, 2), (1, 2)] if roll < 0.98 else [(1, 2), (1, 4), (1, 4)])
            )
            since = today - dt.timedelta(days=rng.randint(30, 365 * 30))
            for num, den in shares:
                if owners_pool and rng.random() < 0.04:
                    person_id = rng.choice(owners_pool)  # someone owning a second flat
                    if any(o[2] == person_id and o[1] == apt_id for o in ownerships[-3:]):
                        person_id = _new_person(persons, person_first, rng, now)
                else:
                    person_id = _new_person(persons, person_first, rng, now)
                    if len(owners_pool) < 50_000:
                        owners_pool.append(person_id)
                ownerships.append((len(ownerships) + 1, apt_id, person_id, num, den, since))
            apt_id += 1
    n_apts = write_rows(
        "buildings_apartment",
        ["id", "building_id", "number", "area_m2", "rooms", "account_number"],
        apartments,
    )
    say(f"writing {len(persons)} people")
    n_persons = write_rows(
        "accounts_person", ["id", "pinfl", "full_name", "phone", "created_at"], persons
    )
    own_first = _next_id("buildings_ownership") - 1
    n_own = write_rows(
        "buildings_ownership",
        ["id", "apartment_id", "person_id", "share_numerator", "share_denominator", "since"],
        ((own_first + o[0], *o[1:]) for o in ownerships),
    )
    return n_apts, n_persons, n_own


def _new_person(
    persons: list[tuple[Any, ...]], first: int, rng: random.Random, now: dt.datetime
) -> int:
    index = len(persons)
    female = index % 2 == 1
    surname = rng.choice(SURNAMES) + ("a" if female else "")
    father = rng.choice(MALE)
    name = f"{surname} {rng.choice(FEMALE if female else MALE)} {father} {PATRONYMIC[female]}"
    person_id = first + index
    persons.append((person_id, _pinfl(person_id, rng), name, "", now))
    return person_id


def _wear(age: int, rng: random.Random) -> dict[str, Decimal | None]:
    base = min(88.0, age * 0.88 + rng.gauss(0, 10))
    wear: dict[str, Decimal | None] = {}
    for element in ELEMENTS:
        spread = 6 if element in ("foundation", "walls") else 12
        value = max(
            0.0, min(100.0, base * (0.8 if element == "foundation" else 1.0) + rng.gauss(0, spread))
        )
        # Whole percents: on the stored grid of tenths, so that nothing is rounded again
        # on the way in (the import's and the admin's rule, buildings.services.wear_problem).
        wear[element] = Decimal(round(value))
    return wear


def _write_assessments(plan: list[_Building], rng: random.Random, say: Progress) -> int:
    say("writing assessments")
    this_year = dt.date.today().year
    first = _next_id("buildings_conditionassessment")
    rows: list[tuple[Any, ...]] = []
    now = dt.datetime.now(dt.UTC)
    for b in plan:
        if rng.random() >= 0.95:
            continue  # about 5 % not yet assessed
        dates = [dt.date.today() - dt.timedelta(days=rng.randint(20, 900))]
        if rng.random() < 0.15:  # some have an earlier assessment in their history
            dates.insert(0, dates[0] - dt.timedelta(days=rng.randint(400, 1500)))
        for i, day in enumerate(dates):
            wear = _wear(this_year - b.year - (len(dates) - 1 - i) * 3, rng)
            if not b.elevator:
                wear["elevators"] = None
            emergency = rng.random() < 0.012
            rows.append(
                (
                    first + len(rows),
                    b.id,
                    day,
                    *[wear[e] for e in ELEMENTS],
                    emergency,
                    "",
                    "generated",
                    now,
                )
            )
    columns = [
        "id",
        "building_id",
        "assessed_on",
        *ELEMENTS,
        "emergency",
        "assessor_name",
        "source",
        "created_at",
    ]
    return write_rows("buildings_conditionassessment", columns, rows)


def _write_consumption(plan: list[_Building], rng: random.Random, say: Progress) -> int:
    say("writing 12 months of consumption")
    today = dt.date.today()
    months = []
    year, month = today.year, today.month
    for _i in range(12):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(dt.date(year, month, 1))
    first = _next_id("buildings_monthlyconsumption")

    def rows() -> Iterable[tuple[Any, ...]]:
        n = 0
        for b in plan:
            flats = len(b.areas)
            for m in months:
                winter = m.month in (11, 12, 1, 2, 3)
                elec = flats * rng.uniform(140, 260) * (1.15 if winter else 1.0)
                gas = flats * rng.uniform(15, 30) * (4.0 if winter else 1.0)
                water = flats * rng.uniform(7, 14)
                yield (
                    first + n,
                    b.id,
                    m,
                    round(Decimal(elec), 2),
                    round(Decimal(gas), 2),
                    round(Decimal(water), 2),
                )
                n += 1

    return write_rows(
        "buildings_monthlyconsumption",
        ["id", "building_id", "month", "electricity_kwh", "gas_m3", "water_m3"],
        rows(),
    )


def _write_land_plots(plan: list[_Building], rng: random.Random) -> int:
    first = _next_id("buildings_landplot")
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
