"""Condition assessments (about 95 % of buildings) and 12 months of consumption."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from buildings.generator.load import next_id, write_rows
from buildings.generator.plan import PlannedBuilding, Progress
from buildings.models import ELEMENTS
from core.periods import month_previous, month_start


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


def write_assessments(plan: list[PlannedBuilding], rng: random.Random, say: Progress) -> int:
    say("writing assessments")
    this_year = dt.date.today().year
    first = next_id("buildings_conditionassessment")
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


def write_consumption(plan: list[PlannedBuilding], rng: random.Random, say: Progress) -> int:
    say("writing 12 months of consumption")
    # The twelve closed months before today's in Asia/Tashkent (not the server's zone: a
    # UTC clock still reads November on the morning of 1 December in Tashkent).
    months = [month_previous(month_start(timezone.localdate()))]
    while len(months) < 12:
        months.append(month_previous(months[-1]))
    first = next_id("buildings_monthlyconsumption")

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
