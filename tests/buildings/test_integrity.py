"""Derived figures (issue point 3): apartments_count and living_area_m2 equal what the
Apartment rows say; registry_drift finds the buildings where they do not."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F

from buildings.integrity import registry_drift
from buildings.models import Apartment, Building
from buildings.services import apartment_update, building_totals_refresh

pytestmark = pytest.mark.django_db

CLEAN = {"apartments_count": {"count": 0, "ids": []}, "living_area_m2": {"count": 0, "ids": []}}


def test_a_consistent_registry_has_no_drift(make_building, cast) -> None:
    make_building(flats=3)
    make_building(flats=5)

    assert registry_drift() == {**CLEAN, "ok": True}


def test_registry_drift_finds_a_count_changed_by_a_raw_update(make_building) -> None:
    a, b, _c = make_building(), make_building(), make_building()
    Building.objects.filter(pk__in=[a.pk, b.pk]).update(apartments_count=F("apartments_count") + 7)

    drift = registry_drift()

    assert drift["apartments_count"] == {"count": 2, "ids": sorted([a.pk, b.pk])}
    assert drift["living_area_m2"] == {"count": 0, "ids": []}
    assert drift["ok"] is False


def test_registry_drift_finds_an_area_changed_by_a_raw_update(make_building) -> None:
    a, _b = make_building(flats=2), make_building(flats=2)
    Apartment.objects.filter(building=a, number="1").update(area_m2=Decimal("61.37"))

    drift = registry_drift()

    assert drift["living_area_m2"] == {"count": 1, "ids": [a.pk]}
    assert drift["apartments_count"]["count"] == 0


def test_registry_drift_counts_all_and_lists_at_most_the_limit(make_building) -> None:
    buildings = [make_building(flats=1) for _ in range(5)]
    Building.objects.update(apartments_count=9)

    drift = registry_drift(limit=3)

    assert drift["apartments_count"] == {
        "count": 5,
        "ids": sorted(b.pk for b in buildings)[:3],
    }


def test_registry_drift_takes_the_same_queries_for_any_number_of_buildings(
    make_building, django_assert_num_queries
) -> None:
    for _ in range(3):
        make_building()
    with django_assert_num_queries(4):
        registry_drift()
    for _ in range(20):
        make_building()
    Building.objects.update(apartments_count=0)
    with django_assert_num_queries(4):
        assert registry_drift()["apartments_count"]["count"] == 23


def test_building_totals_refresh_heals_drift_in_one_update(
    make_building, django_assert_num_queries
) -> None:
    buildings = [make_building(flats=n) for n in (1, 2, 3)]
    Building.objects.update(apartments_count=99, living_area_m2=Decimal(1))
    Apartment.objects.filter(building=buildings[2], number="3").update(area_m2=Decimal("0.10"))

    with django_assert_num_queries(1):
        building_totals_refresh(building_ids=[b.pk for b in buildings])

    stored = dict(Building.objects.values_list("pk", "living_area_m2"))
    assert [stored[b.pk] for b in buildings] == [Decimal(50), Decimal(100), Decimal("100.10")]
    assert registry_drift()["ok"] is True


def test_a_building_without_rows_keeps_its_living_area(make_building) -> None:
    empty = make_building(flats=0, living_area_m2=Decimal(80), total_area_m2=Decimal(90))

    building_totals_refresh(building_ids=[empty.pk])

    empty.refresh_from_db()
    assert (empty.apartments_count, empty.living_area_m2) == (0, Decimal(80))


def test_an_apartment_edit_through_the_service_updates_its_building(make_building) -> None:
    building = make_building(flats=3)
    apartment = building.apartments.get(number="2")

    apartment_update(apartment=apartment, values={"area_m2": Decimal("72.25")})

    building.refresh_from_db()
    assert building.living_area_m2 == Decimal("172.25")
    assert registry_drift()["ok"] is True


def test_the_demo_and_a_reimport_leave_no_drift(cast) -> None:
    """The cast is loaded through the Turar-Joy importer; then 10 of 36 flats of A again."""
    import json

    from buildings.turarjoy import turar_joy_import
    from mening_uyim.demo import DEMO_A, _demo_records

    record = next(r for r in _demo_records() if r.get("cadastral_number") == DEMO_A)
    shorter = {**record, "apartments": record["apartments"][:10]}

    report = turar_joy_import(lines=[json.dumps(shorter)])

    assert report.ok, report.errors
    a = Building.objects.get(cadastral_number=DEMO_A)
    assert a.apartments_count == 36 == a.apartments.count()
    assert registry_drift()["ok"] is True
