"""Apartments with their owners: valid-format PINFLs, about 12 % of flats co-owned."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from buildings.generator.load import next_id, write_rows
from buildings.generator.names import FEMALE, MALE, PATRONYMIC, SURNAMES
from buildings.generator.plan import PlannedBuilding, Progress
from buildings.models import account_number_for


def _pinfl(index: int, rng: random.Random) -> str:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 65))
    sex = index % 2
    century = ("3", "4")[sex] if born.year < 2000 else ("5", "6")[sex]
    return f"{century}{born:%d%m%y}{index % 10_000_000:07d}"


def write_apartments(
    plan: list[PlannedBuilding], rng: random.Random, say: Progress
) -> tuple[int, int, int]:
    total = sum(len(b.areas) for b in plan)
    say(f"writing {total} apartments with their owners")
    apt_first = next_id("buildings_apartment")
    person_first = next_id("accounts_person")
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
    own_first = next_id("buildings_ownership") - 1
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
