"""Five-year development programs (DOMAIN.md "Lots and five-year programs").

The draft program of a lot: for every building, a repair item per element whose wear is
above the "any element" threshold of the classification policy (60 % by default); unit
costs from the UnitCost table (tiyin per m² of living area); emergency buildings in year 1;
red buildings first, then by overall wear. Items are spread over five years so that each
year's planned cost stays within that year's expected contributions (the lot's living area
× its tariff × 12); what does not fit makes the program infeasible, and the shortfall of
each year is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from buildings.classification import policy_current, tenths
from buildings.models import ELEMENTS, Building, Classification
from lots.models import Lot, ProgramItem, UnitCost

YEARS = (1, 2, 3, 4, 5)


def unit_costs() -> dict[str, tuple[str, int]]:
    """Element → (work, tiyin per m²): the table, with settings' defaults for missing rows."""
    costs = dict(settings.PROGRAM_UNIT_COSTS)
    for row in UnitCost.objects.all():
        costs[row.element] = (row.work, row.tiyin_per_m2)
    return costs


def lot_area_m2(lot: Lot) -> Decimal:
    """The lot's living area, derived from its buildings (never a cached copy)."""
    area = Building.objects.filter(lot_membership__lot=lot).aggregate(s=Sum("living_area_m2"))["s"]
    return Decimal(area or 0)


def yearly_budget(lot: Lot) -> int:
    """Expected contributions of one year, in tiyin: living area × tariff × 12."""
    return int((lot_area_m2(lot) * lot.tariff_tiyin_per_m2 * 12).to_integral_value())


@dataclass(frozen=True)
class YearTotal:
    year: int
    planned: int
    budget: int

    @property
    def shortfall(self) -> int:
        return max(0, self.planned - self.budget)


def program_totals(lot: Lot) -> list[YearTotal]:
    budget = yearly_budget(lot)
    planned = dict(
        ProgramItem.objects.filter(lot=lot).values_list("year").annotate(s=Sum("cost_tiyin"))
    )
    return [YearTotal(y, int(planned.get(y, 0)), budget) for y in YEARS]


def is_feasible(totals: list[YearTotal]) -> bool:
    return all(t.shortfall == 0 for t in totals)


@transaction.atomic
def program_generate(*, lot: Lot) -> list[ProgramItem]:
    """(Re)generate the draft program of ``lot`` from its buildings' latest assessments."""
    ProgramItem.objects.filter(lot=lot).delete()
    policy = policy_current()
    costs = unit_costs()
    buildings = list(
        Building.objects.filter(lot_membership__lot=lot)
        .select_related("latest_assessment")
        .order_by("id")
    )
    candidates: list[tuple[tuple[int, int, int], ProgramItem]] = []
    for b in buildings:
        a = b.latest_assessment
        if a is None:
            continue
        order = (
            0 if a.emergency else 1,
            0 if b.classification == Classification.RED else 1,
            -int((b.overall_wear or 0) * 100),
        )
        for element in ELEMENTS:
            value = getattr(a, element)
            if value is None or (element == "elevators" and not b.has_elevator):
                continue
            if tenths(value) <= policy.yellow_element:
                continue
            work, per_m2 = costs[element]
            cost = int((Decimal(b.living_area_m2) * per_m2).to_integral_value())
            item = ProgramItem(
                lot=lot,
                building=b,
                element=element,
                work=work,
                cost_tiyin=cost,
                urgent=a.emergency,
                year=1,
            )
            candidates.append((order, item))
    candidates.sort(key=lambda c: (c[0], c[1].building_id, ELEMENTS.index(c[1].element)))
    budget = yearly_budget(lot)
    left = dict.fromkeys(YEARS, budget)
    for _order, item in candidates:
        if item.urgent:
            item.year = 1  # emergencies never wait, even beyond the budget
        else:
            fitting = [y for y in YEARS if left[y] >= item.cost_tiyin]
            # what fits nowhere goes to the year with the most room: the shortfall shows
            item.year = fitting[0] if fitting else max(YEARS, key=lambda y: left[y])
        left[item.year] -= item.cost_tiyin
    return ProgramItem.objects.bulk_create([item for _o, item in candidates], batch_size=2000)
