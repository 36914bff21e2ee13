"""Five-year programs (DOMAIN.md): items from element wear, emergency first year, red first,
each year within the expected contributions, feasibility with the shortfall, editing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from buildings.services import assessment_record
from lots.models import Lot, LotBuilding, ProgramItem, UnitCost
from lots.program import is_feasible, program_generate, program_totals, yearly_budget
from lots.services import MSG_PROGRAM_FROZEN, LotError, program_item_update
from mening_uyim.demo import Cast
from tests.buildings.conftest import wear
from tests.lots.conftest import district
from tests.lots.program_lots import Spec, budget_set, lot_of, red_first_violations

pytestmark = pytest.mark.django_db


@pytest.fixture
def lot(cast: Cast, town) -> Lot:
    buildings = town(district("UZ-TK", "Yunusobod tumani"), 4, flats=25)
    lot = Lot.objects.create(code="UZ-TK-901", region=cast.region, tariff_tiyin_per_m2=120_000)
    LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in buildings])
    day = dt.date(2026, 1, 1)
    assessment_record(building=buildings[0], assessed_on=day, wear=wear(roof=65, facade=70))
    assessment_record(building=buildings[1], assessed_on=day, wear=wear(walls=75))  # red
    assessment_record(building=buildings[2], assessed_on=day, wear=wear(heating=61), emergency=True)
    assessment_record(building=buildings[3], assessed_on=day, wear=wear(roof=60))  # not > 60
    return lot


def test_items_come_from_elements_above_60(lot: Lot) -> None:
    items = program_generate(lot=lot)
    elements = sorted(i.element for i in items)
    assert elements == ["facade", "heating", "roof", "walls"]
    # the building whose roof is at exactly 60 % gets nothing
    at_60 = lot.members.order_by("building_id").last()
    assert at_60 is not None
    assert not [i for i in items if i.building_id == at_60.building_id]


def test_cost_is_unit_cost_times_living_area(lot: Lot) -> None:
    UnitCost.objects.filter(element="roof").update(tiyin_per_m2=1_000)
    items = {i.element: i for i in program_generate(lot=lot)}
    roof = items["roof"]
    assert roof.cost_tiyin == int(roof.building.living_area_m2 * 1_000)


def test_emergency_goes_to_the_first_year_even_beyond_the_budget(lot: Lot) -> None:
    Lot.objects.filter(pk=lot.pk).update(tariff_tiyin_per_m2=1)  # almost no money
    lot.refresh_from_db()
    items = {i.element: i for i in program_generate(lot=lot)}
    assert items["heating"].urgent
    assert items["heating"].year == 1
    totals = program_totals(lot)
    assert not is_feasible(totals)
    assert totals[0].shortfall > 0


def test_each_year_stays_within_contributions_when_it_can(lot: Lot) -> None:
    items = program_generate(lot=lot)
    budget = yearly_budget(lot)
    biggest = max(i.cost_tiyin for i in items)
    # a budget that fits one big item a year forces the spread over the years
    Lot.objects.filter(pk=lot.pk).update(
        tariff_tiyin_per_m2=int(lot.tariff_tiyin_per_m2 * biggest * 1.2 / budget) + 1
    )
    lot.refresh_from_db()
    items = program_generate(lot=lot)
    totals = program_totals(lot)
    assert is_feasible(totals)
    assert len({i.year for i in items}) > 1
    assert all(t.planned <= t.budget for t in totals)


def test_red_buildings_come_first(lot: Lot) -> None:
    items = program_generate(lot=lot)
    budget = yearly_budget(lot)
    Lot.objects.filter(pk=lot.pk).update(
        tariff_tiyin_per_m2=max(
            1, int(lot.tariff_tiyin_per_m2 * max(i.cost_tiyin for i in items) / budget) + 1
        )
    )
    lot.refresh_from_db()
    items = program_generate(lot=lot)
    red = [i for i in items if i.building.classification == "red"]
    others = [i for i in items if i.building.classification != "red" and not i.urgent]
    assert red
    assert others
    assert red_first_violations(items) == []


def prices(**cost_for_50_m2: int) -> None:
    """Unit costs such that the repair of each element of a 50 m² building costs as given."""
    for element, cost in cost_for_50_m2.items():
        assert cost % 50 == 0
        assert UnitCost.objects.filter(element=element).update(tiyin_per_m2=cost // 50) == 1


def plan(items: list[ProgramItem]) -> dict[str, int]:
    return {i.element: i.year for i in items}


def test_no_yellow_work_is_planned_before_red_work_that_had_to_wait(make_building) -> None:
    # Red work needs years 1-3; cheap yellow items would fit into the leftovers of years 1
    # and 2 (where first fit by cost used to put them), but the red roof waits for year 3.
    lot, buildings = lot_of(
        make_building,
        [
            Spec({"walls": 75, "floors": 75}),  # red, the most worn: taken first
            Spec({"roof": 75}),  # red
            Spec({"gas": 65, "electricity": 65}),  # yellow
            Spec({"heating": 65, "water": 65}),  # yellow, more worn than the one above
        ],
    )
    assert [b.classification for b in buildings] == ["red", "red", "yellow", "yellow"]
    prices(
        walls=14_000_000,
        floors=20_000_000,
        roof=20_000_000,
        heating=4_000_000,
        water=22_000_000,
        gas=3_000_000,
        electricity=4_000_000,
    )
    budget_set(lot, 24_000_000)
    items = program_generate(lot=lot)
    assert red_first_violations(items) == []
    assert plan(items) == {
        "walls": 1,
        "floors": 2,  # 20 M does not fit beside the walls' 14 M
        "roof": 3,  # nor into year 1 or 2: red work waited until year 3
        "heating": 3,  # so yellow work starts in year 3, in the 4 M left there
        "water": 4,
        "gas": 5,  # would have fitted into year 1's 10 M, and waits for year 5 instead
        "electricity": 5,
    }
    totals = program_totals(lot)
    assert [t.planned for t in totals] == [m * 1_000_000 for m in (14, 20, 24, 22, 7)]
    assert is_feasible(totals)


def test_yellow_work_waits_behind_red_work_even_into_a_shortfall(make_building) -> None:
    lot, _ = lot_of(
        make_building,
        [
            Spec({"foundation": 75, "walls": 75, "floors": 75, "roof": 75, "facade": 65}),
            Spec({"gas": 65}),
        ],
    )
    prices(
        foundation=21_600_000,
        walls=14_400_000,
        floors=21_600_000,
        roof=21_600_000,
        facade=21_600_000,
        gas=4_800_000,
    )
    budget_set(lot, 24_000_000)
    items = program_generate(lot=lot)
    # red work reaches year 5; year 2 keeps 9.6 M unused rather than host yellow work
    assert plan(items) == {
        "foundation": 1,
        "walls": 2,
        "floors": 3,
        "roof": 4,
        "facade": 5,
        "gas": 5,
    }
    assert red_first_violations(items) == []
    assert [t.shortfall for t in program_totals(lot)] == [0, 0, 0, 0, 2_400_000]


def test_what_fits_nowhere_goes_to_the_year_with_the_most_room(make_building) -> None:
    lot, _ = lot_of(make_building, [Spec({"walls": 75}), Spec({"floors": 75}), Spec({"gas": 65})])
    prices(walls=9_000_000, floors=27_000_000, gas=5_400_000)
    budget_set(lot, 18_000_000)
    items = program_generate(lot=lot)
    # the floors cost more than a whole year: year 2, the first of the emptiest years
    assert plan(items) == {"walls": 1, "floors": 2, "gas": 3}
    totals = program_totals(lot)
    assert [t.shortfall for t in totals] == [0, 9_000_000, 0, 0, 0]
    assert not is_feasible(totals)


def test_every_emergency_item_goes_to_year_1_even_beyond_the_budget(make_building) -> None:
    lot, _ = lot_of(
        make_building,
        [
            Spec(emergency=True),  # red only by the flag
            Spec({"walls": 75, "heating": 65}, emergency=True),
            Spec({"walls": 75}),  # red, not an emergency
        ],
    )
    budget_set(lot, 1_800_000)  # far less than any one repair
    items = program_generate(lot=lot)
    urgent = [i for i in items if i.urgent]
    assert sorted(i.element for i in urgent) == ["foundation", "heating", "walls"]
    assert {i.year for i in urgent} == {1}
    totals = program_totals(lot)
    assert totals[0].planned == sum(i.cost_tiyin for i in urgent)
    assert totals[0].shortfall == totals[0].planned - 1_800_000


@pytest.mark.parametrize(
    ("values", "element"),
    [
        ({}, "foundation"),  # all equal: the first structural element
        ({"roof": 40}, "roof"),
        ({"walls": 30, "floors": 30}, "walls"),  # a tie: the first in foundation..roof
        ({"heating": 55, "floors": 20}, "floors"),  # only structural elements are considered
    ],
)
def test_a_building_red_only_by_its_emergency_flag_gets_an_urgent_first_year_item(
    make_building, values: dict[str, int], element: str
) -> None:
    lot, (building,) = lot_of(make_building, [Spec(values, emergency=True, area_m2=80)])
    assert building.classification == "red"
    assert lot.tariff_tiyin_per_m2 == 0  # no money at all: the emergency still goes first
    (item,) = program_generate(lot=lot)
    unit = UnitCost.objects.get(element=element)
    assert (item.element, item.urgent, item.year) == (element, True, 1)
    assert item.work == unit.work
    assert item.cost_tiyin == 80 * unit.tiyin_per_m2
    assert program_totals(lot)[0].shortfall == item.cost_tiyin


@pytest.mark.parametrize(
    ("values", "elements"),
    [
        ({"walls": 75, "heating": 65}, ["walls", "heating"]),  # the most worn one already
        ({"heating": 65, "roof": 50}, ["heating"]),  # no structural item is added
    ],
)
def test_an_emergency_building_with_worn_elements_keeps_exactly_those_items(
    make_building, values: dict[str, int], elements: list[str]
) -> None:
    lot, (building,) = lot_of(make_building, [Spec(values, emergency=True)])
    items = program_generate(lot=lot)
    assert [i.element for i in items] == elements
    assert all(i.urgent and i.year == 1 for i in items)
    assert ProgramItem.objects.filter(lot=lot, building=building).count() == len(elements)


def test_editing_an_item_updates_the_totals(lot: Lot, cast: Cast) -> None:
    program_generate(lot=lot)
    item = ProgramItem.objects.filter(lot=lot).first()
    assert item is not None
    before = program_totals(lot)
    old_year, old_cost = item.year, item.cost_tiyin
    assert old_year != 5
    program_item_update(item=item, year=5, cost_tiyin=12_345_600, by=cast.users["council"])
    after = program_totals(lot)
    # every year compared: the item leaves its year with its old cost, year 5 gains the new one
    expected = [t.planned for t in before]
    expected[old_year - 1] -= old_cost
    expected[4] += 12_345_600
    assert [t.planned for t in after] == expected
    assert ProgramItem.objects.get(pk=item.pk).year == 5
    assert sum(t.planned for t in after) == sum(
        ProgramItem.objects.filter(lot=lot).values_list("cost_tiyin", flat=True)
    )


@pytest.mark.parametrize("key", ["mc_director", "rival_mc", "inspector", "owner", "other_council"])
def test_others_cannot_edit_the_program(lot: Lot, cast: Cast, key: str) -> None:
    program_generate(lot=lot)
    item = ProgramItem.objects.filter(lot=lot).first()
    assert item is not None
    with pytest.raises(LotError):
        program_item_update(item=item, year=5, cost_tiyin=1, by=cast.users[key])
    item.refresh_from_db()
    assert item.cost_tiyin != 1


def test_the_mc_of_a_managed_lot_cannot_edit_its_approved_program(lot: Lot, cast: Cast) -> None:
    """Approved means frozen: the MC proposes an amendment instead (test_amendments)."""
    program_generate(lot=lot)
    Lot.objects.filter(pk=lot.pk).update(manager=cast.mc, status="managed")
    lot.refresh_from_db()
    item = ProgramItem.objects.filter(lot=lot).first()
    assert item is not None
    with pytest.raises(LotError) as exc:
        program_item_update(item=item, year=2, cost_tiyin=100, by=cast.users["mc_director"])
    # the refusal that points to an amendment, in whatever language is active
    assert exc.value.message == str(MSG_PROGRAM_FROZEN % {"lot": lot.code})
    assert ProgramItem.objects.get(pk=item.pk).cost_tiyin == item.cost_tiyin


def test_the_program_page_form(client: Client, lot: Lot, cast: Cast) -> None:
    program_generate(lot=lot)
    item = ProgramItem.objects.filter(lot=lot).first()
    assert item is not None
    client.force_login(cast.users["council"])
    page = client.get(f"/lots/{lot.pk}/").content.decode()
    assert f'value="{item.cost_tiyin // 100}"' in page  # the edit form shows whole so'm
    response = client.post(f"/lots/{lot.pk}/program/{item.pk}/", {"year": "3", "cost_som": "-5"})
    assert response.status_code == 303  # a negative cost is refused
    assert ProgramItem.objects.get(pk=item.pk).year == item.year
    response = client.post(f"/lots/{lot.pk}/program/{item.pk}/", {"year": "3", "cost_som": "5000"})
    assert response.status_code == 302
    assert ProgramItem.objects.get(pk=item.pk).cost_tiyin == 500_000


def test_an_implausible_cost_is_refused_not_a_crash(client: Client, lot: Lot, cast: Cast) -> None:
    program_generate(lot=lot)
    item = ProgramItem.objects.filter(lot=lot).first()
    assert item is not None
    client.force_login(cast.users["council"])
    response = client.post(
        f"/lots/{lot.pk}/program/{item.pk}/", {"year": "3", "cost_som": str(10**18)}
    )
    assert response.status_code == 303
    assert ProgramItem.objects.get(pk=item.pk).cost_tiyin == item.cost_tiyin
