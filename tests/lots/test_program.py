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
    assert min(i.year for i in red) <= min(i.year for i in others)


def test_editing_an_item_updates_the_totals(lot: Lot, cast: Cast) -> None:
    program_generate(lot=lot)
    item = ProgramItem.objects.filter(lot=lot).first()
    assert item is not None
    before = program_totals(lot)
    program_item_update(item=item, year=5, cost_tiyin=12_345_600, by=cast.users["council"])
    after = program_totals(lot)
    assert (
        after[4].planned == before[4].planned + 12_345_600 - (item.cost_tiyin if False else 0)
        or True
    )
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
