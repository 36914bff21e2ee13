"""Five-year program rules on random lots (hypothesis): red first in every year, each year
within its contributions except for emergencies and items with room in no allowed year,
and every emergency building in year 1."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buildings.classification import policy_current, tenths
from buildings.models import ELEMENTS, STRUCTURAL, Building
from lots.models import Lot, ProgramItem
from lots.program import YEARS, program_generate, yearly_budget
from tests.buildings.conftest import wear
from tests.lots.program_lots import Spec, lot_of, red_first_violations

pytestmark = pytest.mark.django_db

# A few worn elements over a 10 % base: a mix of red, yellow and (rarely) green buildings.
buildings = st.builds(
    Spec,
    wear=st.dictionaries(
        st.sampled_from([e for e in ELEMENTS if e != "elevators"]),
        st.integers(40, 100),
        min_size=1,
        max_size=4,
    ),
    emergency=st.integers(0, 7).map(lambda n: n == 0),
    area_m2=st.integers(20, 400),
)


def years_within_budget_but_for_emergencies_and_unplaceable(
    items: list[ProgramItem], budget: int
) -> list[str]:
    """Each year's excess over the budget is explained by emergencies and by items that had
    room in no year open to them (room only shrinks as items are placed, so "no room left at
    the end" holds for every item that had none when it was placed)."""
    red_years = [i.year for i in items if i.building.classification == "red"]
    latest_red = max(red_years, default=YEARS[0])
    left = {y: budget - sum(i.cost_tiyin for i in items if i.year == y) for y in YEARS}

    def open_years(item: ProgramItem) -> list[int]:
        red = item.building.classification == "red"
        return [y for y in YEARS if red or y >= latest_red]

    problems = []
    for y in YEARS:
        planned = [i for i in items if i.year == y]
        urgent = sum(i.cost_tiyin for i in planned if i.urgent)
        unplaceable = sum(
            i.cost_tiyin
            for i in planned
            if not i.urgent and all(left[z] < i.cost_tiyin for z in open_years(i))
        )
        total = sum(i.cost_tiyin for i in planned)
        if total > max(budget, urgent) + unplaceable:
            problems.append(f"year {y}: {total} > {budget} (+{urgent} urgent, +{unplaceable})")
    return problems


def items_per_building_problems(
    items: list[ProgramItem], built: list[tuple[Building, Spec]]
) -> list[str]:
    threshold = policy_current().yellow_element
    problems = []
    for b, spec in built:
        values = wear(**spec.wear)
        mine = [i for i in items if i.building_id == b.pk]
        worn = [e for e in ELEMENTS if e != "elevators" and tenths(values[e]) > threshold]
        got = [i.element for i in mine]
        if spec.emergency:
            if not mine or not all(i.urgent and i.year == YEARS[0] for i in mine):
                problems.append(f"emergency building {b.pk}: {got}, not all urgent in year 1")
            top = max(values[e] for e in STRUCTURAL)
            expected = worn or [next(e for e in STRUCTURAL if values[e] == top)]
        else:
            expected = worn
        if sorted(got) != sorted(expected):
            problems.append(f"building {b.pk}: items {got}, expected {expected}")
    return problems


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(buildings, min_size=1, max_size=8), tariff=st.integers(10_000, 2_500_000))
def test_any_lot_gets_red_first_within_budget_with_emergencies_in_year_1(
    make_building: Callable[..., Building], specs: list[Spec], tariff: int
) -> None:
    with transaction.atomic():  # one savepoint per example, rolled back at the end
        lot, built = lot_of(make_building, specs)
        Lot.objects.filter(pk=lot.pk).update(tariff_tiyin_per_m2=tariff)
        lot.refresh_from_db()
        items = sorted(program_generate(lot=lot), key=lambda i: (i.building_id, i.element))
        stored = ProgramItem.objects.filter(lot=lot).order_by("building_id", "element")
        assert [(i.building_id, i.element, i.year) for i in stored] == [
            (i.building_id, i.element, i.year) for i in items
        ]
        assert red_first_violations(items) == []
        assert (
            years_within_budget_but_for_emergencies_and_unplaceable(items, yearly_budget(lot)) == []
        )
        assert items_per_building_problems(items, list(zip(built, specs, strict=True))) == []
        transaction.set_rollback(True)
