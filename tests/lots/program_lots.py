"""Small lots built from wear figures, for the five-year program tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from buildings.models import Building
from buildings.services import assessment_record
from lots.models import Lot, LotBuilding, ProgramItem
from lots.program import YEARS, lot_area_m2, yearly_budget
from tests.buildings.conftest import wear

DAY = dt.date(2026, 1, 1)


@dataclass(frozen=True)
class Spec:
    """One building: its wear (all elements 10 % unless given), the emergency flag, m²."""

    wear: dict[str, Any] = field(default_factory=dict)
    emergency: bool = False
    area_m2: int = 50


def lot_of(
    make_building: Callable[..., Building], specs: Sequence[Spec], *, code: str = "UZ-TK-950"
) -> tuple[Lot, list[Building]]:
    """A draft lot of freshly assessed buildings, in the order of ``specs``."""
    buildings = [make_building(flats=1, living_area_m2=Decimal(s.area_m2)) for s in specs]
    lot = Lot.objects.create(code=code, region=buildings[0].region)
    LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in buildings])
    for b, s in zip(buildings, specs, strict=True):
        assessment_record(building=b, assessed_on=DAY, wear=wear(**s.wear), emergency=s.emergency)
        b.refresh_from_db()
    return lot, buildings


def budget_set(lot: Lot, tiyin: int) -> None:
    """Set the lot's tariff so that one year's expected contributions are exactly ``tiyin``."""
    months_m2 = int(lot_area_m2(lot)) * 12
    assert tiyin % months_m2 == 0, "pick a budget the tariff can make exactly"
    Lot.objects.filter(pk=lot.pk).update(tariff_tiyin_per_m2=tiyin // months_m2)
    lot.refresh_from_db()
    assert yearly_budget(lot) == tiyin


def red_first_violations(items: Sequence[ProgramItem]) -> list[str]:
    """Items of yellow or green buildings planned before the latest year holding red work.

    Every year is compared: each non-red item against the latest red year, not the minima.
    """
    red_years = [i.year for i in items if i.building.classification == "red"]
    latest_red = max(red_years, default=YEARS[0])
    return [
        f"{i.building.classification} {i.element} in year {i.year} < red year {latest_red}"
        for i in items
        if i.building.classification != "red" and not i.urgent and i.year < latest_red
    ]
