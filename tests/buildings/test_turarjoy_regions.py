"""The Turar-Joy importer and territory: regions by code or name, new districts."""

from __future__ import annotations

import pytest

from buildings.models import (
    Building,
    District,
    Region,
)
from tests.buildings.turarjoy_lines import (
    CAD,
    NEW_DISTRICT,
    assert_ok,
    building,
    consumption,
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
