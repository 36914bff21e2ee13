"""The Turar-Joy importer and territory: regions by code or name, new districts, and no move
of a building whose lot is past draft."""

from __future__ import annotations

import pytest

from buildings.models import Building
from buildings.services import MSG_MOVE_LOCKED_LOT
from mening_uyim.demo import DEMO_A, Cast
from territory.models import District, Region
from tests.buildings.turarjoy_lines import (
    CAD,
    NEW_DISTRICT,
    assert_ok,
    building,
    consumption,
    row_counts,
    run,
)

pytestmark = pytest.mark.django_db


# --- 6. regions and districts ---------------------------------------------------------------


def test_a_new_district_is_created_inside_its_region() -> None:
    assert not District.objects.filter(name=NEW_DISTRICT).exists()

    assert_ok(run([building(district=NEW_DISTRICT), building("TEST:0002", district=NEW_DISTRICT)]))

    district = District.objects.get(name=NEW_DISTRICT)
    assert district.region.code == "UZ-TK"
    assert set(
        Building.objects.filter(cadastral_number__in=[CAD, "TEST:0002"]).values_list(
            "district_id", flat=True
        )
    ) == {district.pk}


def test_a_new_district_is_not_created_when_the_import_fails() -> None:
    districts = District.objects.count()

    report = run([building(district=NEW_DISTRICT), consumption(month="2026-13")])

    assert not report.ok
    assert District.objects.count() == districts
    assert not District.objects.filter(name=NEW_DISTRICT).exists()


@pytest.mark.parametrize("spelling", ["UZ-TK", "uz-tk", "Toshkent shahri", "город Ташкент"])
def test_a_region_is_found_by_code_uzbek_or_russian_name(spelling: str) -> None:
    assert_ok(run([building(region=spelling)]))

    assert Building.objects.get(cadastral_number=CAD).region.code == "UZ-TK"


def test_a_known_district_is_found_by_its_russian_name_without_a_new_one() -> None:
    districts = District.objects.count()

    assert_ok(run([building(district="Юнусабадский район")]))

    assert District.objects.count() == districts
    assert Building.objects.get(cadastral_number=CAD).district.name == "Yunusobod tumani"


def test_the_same_new_district_name_in_two_regions_makes_two_districts() -> None:
    report = run(
        [
            building(district=NEW_DISTRICT),
            building("TEST:0002", region="UZ-SA", district=NEW_DISTRICT, lat=39.65, lon=66.96),
        ]
    )

    assert_ok(report)
    regions = set(District.objects.filter(name=NEW_DISTRICT).values_list("region__code", flat=True))
    assert regions == {"UZ-TK", "UZ-SA"}
    assert Region.objects.count() == 14


# --- 6b. a building of a lot past draft stays where it is --------------------------------------

LOCKED = ["proposed", "approved", "election", "managed", "reelection"]


def _in_lot(cast: Cast, status: str, code: str = "UZ-TK-950") -> Building:
    """Demo building A (Yunusobod, Tashkent) in a lot of ``status``."""
    from lots.models import Lot, LotBuilding

    a = Building.objects.get(cadastral_number=DEMO_A)
    lot = Lot.objects.create(code=code, region=cast.region, status=status)
    LotBuilding.objects.create(lot=lot, building=a)
    return a


def _place(cadastral: str) -> tuple[int, int]:
    return Building.objects.values_list("region_id", "district_id").get(cadastral_number=cadastral)


@pytest.mark.parametrize("status", LOCKED)
def test_a_building_of_a_lot_past_draft_cannot_move_to_another_district(
    cast: Cast, status: str
) -> None:
    _in_lot(cast, status)
    before, place = row_counts(), _place(DEMO_A)

    report = run([building(CAD), building(DEMO_A, district="Chilonzor tumani")])

    assert [e["line"] for e in report.errors] == [2], report.errors
    error = report.errors[0]["error"]
    assert error.startswith("district:"), error
    assert error == "district: " + str(MSG_MOVE_LOCKED_LOT % {"lot": "UZ-TK-950", "status": status})
    assert row_counts() == before  # all or nothing: the good line 1 is not written either
    assert _place(DEMO_A) == place


@pytest.mark.parametrize("status", LOCKED)
def test_a_building_of_a_lot_past_draft_cannot_move_to_another_region(
    cast: Cast, status: str
) -> None:
    _in_lot(cast, status, code="UZ-TK-951")
    before, place = row_counts(), _place(DEMO_A)
    samarkand = building(DEMO_A, region="UZ-SA", district="Samarqand shahri", lat=39.65, lon=66.96)

    report = run([samarkand])  # a national import: no region scope stops it

    assert [e["line"] for e in report.errors] == [1], report.errors
    assert report.errors[0]["error"].startswith("region:")
    assert "UZ-TK-951" in report.errors[0]["error"]
    assert row_counts() == before
    assert _place(DEMO_A) == place


def test_a_building_of_a_lot_past_draft_cannot_move_to_a_new_district(cast: Cast) -> None:
    _in_lot(cast, "managed")
    before = row_counts()

    report = run([building(DEMO_A, district=NEW_DISTRICT)])

    assert [e["line"] for e in report.errors] == [1], report.errors
    assert "UZ-TK-950" in report.errors[0]["error"]
    assert row_counts() == before
    assert not District.objects.filter(name=NEW_DISTRICT).exists()


def test_a_building_of_a_draft_lot_may_move_to_another_district(cast: Cast) -> None:
    _in_lot(cast, "draft")

    assert_ok(run([building(DEMO_A, district="Chilonzor tumani")]))

    assert Building.objects.get(cadastral_number=DEMO_A).district.name == "Chilonzor tumani"


def test_a_building_of_a_managed_lot_is_still_updated_where_it_is(cast: Cast) -> None:
    _in_lot(cast, "managed")

    report = run([building(DEMO_A, floors=10)])  # same region and district

    assert_ok(report)
    assert Building.objects.get(cadastral_number=DEMO_A).floors == 10
