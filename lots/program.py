"""Five-year development programs (DOMAIN.md "Lots and five-year programs").

The draft program of a lot: for every building, a repair item per element whose wear is
above the "any element" threshold of the classification policy (60 % by default), and at
least one item for every emergency building; unit costs from the UnitCost table (tiyin per
m² of living area); emergency buildings in year 1; red buildings first, then by overall
wear, and no yellow or green work ahead of red work that had to wait. Items are spread over
five years so that each year's planned cost stays within that year's expected contributions
(the lot's living area × its tariff × 12); what does not fit makes the program infeasible,
and the shortfall of each year is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from buildings.classification import policy_current, tenths
from buildings.models import ELEMENTS, STRUCTURAL, Building, Classification
from lots.errors import LotError
from lots.models import Lot, LotStatus, ProgramItem, UnitCost

YEARS = (1, 2, 3, 4, 5)
MSG_NOT_A_DRAFT_PROGRAM = _(
    "The program of lot %(lot)s is no longer a draft; it is not generated again."
)


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
    """(Re)generate the draft program of ``lot`` from its buildings' latest assessments.

    Items (DOMAIN.md "Lots and five-year programs"): one repair per element whose wear is
    above the "any element" threshold, costing the element's unit cost × the building's
    living area. Emergency items are urgent and go to year 1.

    Emergency buildings: a building with the emergency flag gets at least one urgent item in
    year 1. When no element of it is above the threshold (it is red only because of the
    flag), it gets the repair of its most worn structural element (foundation, walls,
    floors/slabs, roof; on a tie the first in that order), at that element's unit cost × the
    living area: the table has no price for an inspection alone, so the full repair of the
    element is the prudent estimate until the inspection prices the work and the council
    edits the item. An emergency building that already has items keeps exactly those.

    The order of the items and the years they take: see ``schedule``.

    Only a draft program is generated: a proposed one changes item by item (a new approval
    round), an approved one only by amendments.
    """
    status = Lot.objects.values_list("status", flat=True).get(pk=lot.pk)
    if status != LotStatus.DRAFT:
        raise LotError(MSG_NOT_A_DRAFT_PROGRAM % {"lot": lot.code})
    ProgramItem.objects.filter(lot=lot).delete()
    policy = policy_current()
    costs = unit_costs()
    buildings = list(
        Building.objects.filter(lot_membership__lot=lot)
        .select_related("latest_assessment")
        .order_by("id")
    )
    candidates: list[Candidate] = []
    for b in buildings:
        a = b.latest_assessment
        if a is None:
            continue
        red = b.classification == Classification.RED
        wear_rank = -int((b.overall_wear or 0) * 100)
        elements = [
            e
            for e in ELEMENTS
            if getattr(a, e) is not None
            and (e != "elevators" or b.has_elevator)
            and tenths(getattr(a, e)) > policy.yellow_element
        ]
        if a.emergency and not elements:
            assessed = [e for e in STRUCTURAL if getattr(a, e) is not None]
            if assessed:
                # max() keeps the first of equals: foundation before walls before floors…
                elements = [max(assessed, key=lambda e: tenths(getattr(a, e)))]
        candidates.extend(
            Candidate(_item(lot, b, e, costs[e], urgent=a.emergency), red, wear_rank)
            for e in elements
        )
    schedule(candidates, yearly_budget(lot))
    return ProgramItem.objects.bulk_create([c.item for c in candidates], batch_size=2000)


def _item(
    lot: Lot, b: Building, element: str, cost: tuple[str, int], *, urgent: bool
) -> ProgramItem:
    work, per_m2 = cost
    return ProgramItem(
        lot=lot,
        building=b,
        element=element,
        work=work,
        cost_tiyin=int((Decimal(b.living_area_m2) * per_m2).to_integral_value()),
        urgent=urgent,
        year=1,
    )


@dataclass
class Candidate:
    """An item waiting for its year, with what orders it: red, then more worn first."""

    item: ProgramItem
    red: bool
    wear_rank: int  # minus the building's overall wear in hundredths: more worn sorts first

    def key(self) -> tuple[int, int, int, int, int]:
        return (
            0 if self.item.urgent else 1,
            0 if self.red else 1,
            self.wear_rank,
            self.item.building_id,
            ELEMENTS.index(self.item.element),
        )


def schedule(candidates: list[Candidate], budget: int) -> None:
    """Give every item its year (sets ``item.year``; sorts ``candidates`` into their order).

    Red buildings first (DOMAIN.md): items are taken emergencies first, then red buildings,
    then the others, each group by the building's overall wear, most worn first. Emergencies
    take year 1 even beyond the budget. Every other item takes the first allowed year whose
    remaining budget holds it (first fit); an item that fits in no allowed year goes to the
    allowed year with the most room left, and the excess shows as that year's shortfall.
    A red building's item may take any year. An item of a yellow or green building may only
    take a year no earlier than the latest year holding a red building's item: a red item
    lands after year 1 only because the earlier years had no room for it, so no yellow or
    green work is planned in a year that red work had to wait beyond. A yellow item that
    would still fit into an earlier year's leftover is moved later even into a shortfall:
    the order is the rule, and the council sees the shortfall and may edit the program.
    """
    candidates.sort(key=Candidate.key)
    left = dict.fromkeys(YEARS, budget)
    first_other_year = YEARS[0]  # the earliest year open to yellow and green items
    for c in candidates:
        item = c.item
        if item.urgent:
            item.year = YEARS[0]  # emergencies never wait, even beyond the budget
        else:
            allowed = YEARS if c.red else [y for y in YEARS if y >= first_other_year]
            fitting = [y for y in allowed if left[y] >= item.cost_tiyin]
            # what fits nowhere goes to the year with the most room: the shortfall shows
            item.year = fitting[0] if fitting else max(allowed, key=lambda y: left[y])
        left[item.year] -= item.cost_tiyin
        if c.red:
            first_other_year = max(first_other_year, item.year)
