"""The Turar-Joy importer: validation of every line, all or nothing, idempotency, updates,
classification from the latest assessment, the management command and the API endpoint.

Error texts are translated (the active language is Uzbek), so the tests assert on what is
not: the field path at the start of each error, the line numbers, counts and the database.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model
from rest_framework.test import APIClient

from accounts.models import Person
from buildings.models import (
    Apartment,
    Building,
    ConditionAssessment,
    LandPlot,
    MonthlyConsumption,
    Ownership,
)
from buildings.turarjoy import ImportReport, turar_joy_import
from mening_uyim.demo import Cast
from territory.models import District, Region

pytestmark = pytest.mark.django_db

URL = "/api/v1/turar-joy/import/"
CAD = "TEST:0001"
NEW_DISTRICT = "Sinov tumani"  # not in buildings/data/regions.json
# Valid PINFLs (century digit, a real DDMMYY date, 7 digits), unknown to the demo cast.
PINFL_A = "30101900000001"
PINFL_B = "40202910000002"
PINFL_C = "50303050000003"
ZERO = {"building": 0, "assessment": 0, "consumption": 0, "land_plot": 0}


# --- line factories ----------------------------------------------------------------------


def owner(pinfl: str, share: Any = "1", full_name: str = "Test Egasi") -> dict[str, Any]:
    return {"pinfl": pinfl, "full_name": full_name, "share": share}


def flat(
    number: str | int,
    area_m2: Any = 50,
    rooms: int | None = 2,
    owners: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {"number": number, "area_m2": area_m2, "rooms": rooms}
    if owners is not None:
        record["owners"] = owners
    return record


def building(cadastral: str = CAD, **overrides: Any) -> dict[str, Any]:
    """A valid building line in Tashkent city with three apartments (no owners)."""
    record: dict[str, Any] = {
        "kind": "building",
        "cadastral_number": cadastral,
        "region": "UZ-TK",
        "district": "Yunusobod tumani",
        "address": "Yunusobod tumani, Sinov koʻchasi, 1-uy",
        "lat": 41.36,
        "lon": 69.29,
        "year_built": 1985,
        "floors": 9,
        "entrances": 2,
        "wall_material": "panel",
        "has_elevator": True,
        "cadastral_passport": True,
        "solar_panels": False,
        "solar_transferred": False,
        "apartments": [flat("1"), flat("2"), flat("3")],
    }
    record.update(overrides)
    return record


def wear(value: float | None = 10, **overrides: float | None) -> dict[str, Any]:
    """Every element at ``value`` % unless overridden."""
    base: dict[str, Any] = dict.fromkeys(
        (
            "foundation",
            "walls",
            "floors",
            "roof",
            "facade",
            "heating",
            "water",
            "electricity",
            "gas",
            "elevators",
        ),
        value,
    )
    base.update(overrides)
    return base


def assessment(
    cadastral: str = CAD,
    assessed_on: str = "2025-06-01",
    wear_values: dict[str, Any] | None = None,
    emergency: bool = False,
) -> dict[str, Any]:
    return {
        "kind": "assessment",
        "cadastral_number": cadastral,
        "assessed_on": assessed_on,
        "wear": wear() if wear_values is None else wear_values,
        "emergency": emergency,
    }


def consumption(cadastral: str = CAD, month: str = "2025-01", **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "consumption",
        "cadastral_number": cadastral,
        "month": month,
        "electricity_kwh": 6800,
        "gas_m3": 900.5,
        "water_m3": 410,
    }
    record.update(overrides)
    return record


def land_plot(cadastral: str = CAD, area_m2: Any = 4200, boundary: Any = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "land_plot",
        "cadastral_number": cadastral,
        "area_m2": area_m2,
    }
    if boundary is not None:
        record["boundary"] = boundary
    return record


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[69.29, 41.36], [69.30, 41.36], [69.30, 41.37], [69.29, 41.36]]],
}


def full_file(
    *, older: dict[str, Any] | None = None, latest: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One building of 3 apartments (flat 2 co-owned 1/2 + 1/2), two assessments,
    12 months of consumption and a land plot."""
    return [
        building(
            apartments=[
                flat("1", 48.5, 2),
                flat("2", 61, 3, owners=[owner(PINFL_A, "1/2"), owner(PINFL_B, "1/2")]),
                flat("3", 35.25, 1),
            ]
        ),
        older or assessment(assessed_on="2023-04-02", wear_values=wear(10, walls=80)),
        latest or assessment(assessed_on="2025-05-14", wear_values=wear(10)),
        *[consumption(month=f"2025-{m:02d}", water_m3=400 + m) for m in range(1, 13)],
        land_plot(boundary=SQUARE),
    ]


def lines(records: list[Any]) -> list[str]:
    """JSON Lines text, one line per record (a str record is a raw line, as is)."""
    return [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]


def run(records: list[Any], region_scope: int | None = None) -> ImportReport:
    return turar_joy_import(lines=lines(records), region_scope=region_scope)


def row_counts() -> dict[str, int]:
    """Rows of every registry table, and of accounts.Person."""
    models: list[type[Model]] = [*apps.get_app_config("buildings").get_models(), Person]
    return {m._meta.label: m._default_manager.count() for m in models}


def errors_by_line(report: ImportReport) -> dict[int, str]:
    found: dict[int, str] = {}
    for error in report.errors:
        assert error["line"] not in found, f"two errors on line {error['line']}: {report.errors}"
        found[error["line"]] = error["error"]
    return found


def assert_ok(report: ImportReport) -> None:
    assert report.ok, report.errors
    assert report.errors == []


# --- 1. a valid file ---------------------------------------------------------------------


def test_it_creates_every_kind_of_row_from_a_valid_file() -> None:
    persons_before = Person.objects.count()

    report = run(full_file())

    assert_ok(report)
    assert report.created == {"building": 1, "assessment": 2, "consumption": 12, "land_plot": 1}
    assert report.updated == ZERO
    assert report.unchanged == 0
    b = Building.objects.get(cadastral_number=CAD)
    assert b.region.code == "UZ-TK"
    assert b.district.name == "Yunusobod tumani"
    assert (b.floors, b.entrances, b.wall_material, b.year_built) == (9, 2, "panel", 1985)
    assert b.has_elevator is True
    assert b.apartments_count == 3
    assert b.living_area_m2 == Decimal("144.75")
    apartments = {a.number: a for a in b.apartments.all()}
    assert set(apartments) == {"1", "2", "3"}
    assert apartments["1"].area_m2 == Decimal("48.50")
    assert apartments["3"].rooms == 1
    assert Person.objects.count() == persons_before + 2
    shares = {
        o.person.pinfl: o.share
        for o in Ownership.objects.filter(apartment=apartments["2"], until__isnull=True)
    }
    assert shares == {PINFL_A: Fraction(1, 2), PINFL_B: Fraction(1, 2)}
    assert not Ownership.objects.filter(apartment__in=[apartments["1"], apartments["3"]]).exists()
    assert ConditionAssessment.objects.filter(building=b).count() == 2
    assert set(ConditionAssessment.objects.filter(building=b).values_list("source", flat=True)) == {
        ConditionAssessment.Source.TURAR_JOY
    }
    assert MonthlyConsumption.objects.filter(building=b).count() == 12
    january = MonthlyConsumption.objects.get(building=b, month=dt.date(2025, 1, 1))
    assert (january.electricity_kwh, january.gas_m3, january.water_m3) == (
        Decimal("6800.00"),
        Decimal("900.50"),
        Decimal("401.00"),
    )
    plot = LandPlot.objects.get(building=b)
    assert plot.area_m2 == Decimal("4200.00")
    assert plot.boundary == SQUARE


def test_it_gives_each_apartment_a_unique_12_digit_account_number() -> None:
    assert_ok(run(full_file()))

    numbers = list(
        Apartment.objects.filter(building__cadastral_number=CAD).values_list(
            "account_number", flat=True
        )
    )
    assert len(numbers) == 3
    assert all(len(n) == 12 and n.isdigit() for n in numbers), numbers
    assert len(set(numbers)) == 3


def test_it_classifies_from_the_latest_assessment_older_red_latest_green() -> None:
    report = run(
        full_file(
            older=assessment(assessed_on="2023-04-02", wear_values=wear(10, walls=80)),
            latest=assessment(assessed_on="2025-05-14", wear_values=wear(10)),
        )
    )

    assert_ok(report)
    b = Building.objects.get(cadastral_number=CAD)
    assert b.classification == "green"
    assert b.latest_assessment is not None
    assert b.latest_assessment.assessed_on == dt.date(2025, 5, 14)
    assert b.overall_wear == Decimal("10.00")


def test_it_classifies_from_the_latest_assessment_older_green_latest_red() -> None:
    # The latest line comes first in the file: the date decides, not the order of lines.
    records = full_file(
        older=assessment(assessed_on="2025-05-14", wear_values=wear(10, walls=80)),
        latest=assessment(assessed_on="2023-04-02", wear_values=wear(10)),
    )

    assert_ok(run(records))

    b = Building.objects.get(cadastral_number=CAD)
    assert b.classification == "red"
    assert b.latest_assessment is not None
    assert b.latest_assessment.assessed_on == dt.date(2025, 5, 14)


def test_a_building_without_assessments_is_unassessed() -> None:
    assert_ok(run([building()]))

    b = Building.objects.get(cadastral_number=CAD)
    assert b.classification == "unassessed"
    assert b.latest_assessment is None


def test_an_emergency_assessment_makes_the_building_red() -> None:
    assert_ok(run([building(), assessment(wear_values=wear(5), emergency=True)]))

    assert Building.objects.get(cadastral_number=CAD).classification == "red"


# --- 2. idempotency ----------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(cast: Cast) -> None:
    records = full_file()
    assert_ok(run(records))
    counts = row_counts()
    accounts = dict(Apartment.objects.values_list("pk", "account_number"))
    ownerships = list(Ownership.objects.order_by("pk").values())

    again = run(records)

    assert_ok(again)
    assert again.created == ZERO
    assert again.updated == ZERO
    # 1 building + 2 assessments + 12 months + 1 land plot
    assert again.unchanged == 16
    assert row_counts() == counts
    assert dict(Apartment.objects.values_list("pk", "account_number")) == accounts
    assert list(Ownership.objects.order_by("pk").values()) == ownerships


def test_reimporting_rounded_values_and_a_new_district_changes_nothing() -> None:
    records = [
        building(
            district=NEW_DISTRICT,
            lat=41.123456789,
            lon=69.2,
            year_built=None,
            has_elevator=False,
            apartments=[flat("1", 33.333, None), flat("2", "40.1")],
        ),
        assessment(wear_values=wear(12.35, elevators=None)),
    ]
    assert_ok(run(records))
    counts = row_counts()

    again = run(records)

    assert_ok(again)
    assert again.created == ZERO
    assert again.updated == ZERO
    assert again.unchanged == 2
    assert row_counts() == counts


# --- 3. updates ----------------------------------------------------------------------------


def test_it_updates_changed_floors_and_apartment_area_in_place() -> None:
    assert_ok(run([building()]))
    accounts_before = dict(
        Apartment.objects.filter(building__cadastral_number=CAD).values_list(
            "number", "account_number"
        )
    )
    building_pk = Building.objects.get(cadastral_number=CAD).pk

    changed = building(floors=12, apartments=[flat("1"), flat("2", area_m2=55.5), flat("3")])
    report = run([changed])

    assert_ok(report)
    assert report.updated["building"] == 1
    assert report.created == ZERO
    assert report.unchanged == 0
    b = Building.objects.get(cadastral_number=CAD)
    assert b.pk == building_pk
    assert b.floors == 12
    assert b.living_area_m2 == Decimal("155.50")
    apartments = {a.number: a for a in b.apartments.all()}
    assert apartments["2"].area_m2 == Decimal("55.50")
    assert apartments["1"].area_m2 == Decimal("50.00")
    assert {n: a.account_number for n, a in apartments.items()} == accounts_before


def test_a_new_apartment_gets_a_new_unique_account_number() -> None:
    assert_ok(run([building()]))
    other = building("TEST:0002")
    assert_ok(run([other]))
    before = dict(Apartment.objects.values_list("pk", "account_number"))

    report = run([building(apartments=[flat("1"), flat("2"), flat("3"), flat("4", 70)])])

    assert_ok(report)
    assert report.updated["building"] == 1
    b = Building.objects.get(cadastral_number=CAD)
    assert b.apartments_count == 4
    new = b.apartments.get(number="4")
    assert len(new.account_number) == 12
    assert new.account_number.isdigit()
    assert new.account_number not in before.values()
    # The old apartments kept theirs.
    after = dict(Apartment.objects.values_list("pk", "account_number"))
    assert {pk: after[pk] for pk in before} == before
    assert len(set(after.values())) == len(after)


def test_it_never_deletes_an_apartment_missing_from_a_later_file() -> None:
    assert_ok(run([building()]))

    report = run([building(apartments=[flat("1"), flat("2")])])

    assert_ok(report)
    assert Apartment.objects.filter(building__cadastral_number=CAD).count() == 3


def test_it_updates_a_changed_assessment_and_reclassifies() -> None:
    assert_ok(run([building(), assessment(wear_values=wear(10))]))

    report = run([assessment(wear_values=wear(10, roof=75))])

    assert_ok(report)
    assert report.updated["assessment"] == 1
    assert report.created == ZERO
    assert ConditionAssessment.objects.get(building__cadastral_number=CAD).roof == Decimal("75.0")
    assert Building.objects.get(cadastral_number=CAD).classification == "red"


def test_it_replaces_the_owners_when_they_change() -> None:
    assert_ok(run([building(apartments=[flat("1", owners=[owner(PINFL_A)])])]))

    report = run(
        [building(apartments=[flat("1", owners=[owner(PINFL_B, "2/3"), owner(PINFL_C, "1/3")])])]
    )

    assert_ok(report)
    assert report.updated["building"] == 1
    current = {
        o.person.pinfl: o.share
        for o in Ownership.objects.filter(
            apartment__building__cadastral_number=CAD, until__isnull=True
        )
    }
    assert current == {PINFL_B: Fraction(2, 3), PINFL_C: Fraction(1, 3)}


def test_has_elevator_change_alone_reclassifies_the_building() -> None:
    # Elevators at 95 % count only when the building has an elevator (any element > 60).
    assert_ok(run([building(has_elevator=False), assessment(wear_values=wear(10, elevators=95))]))
    assert Building.objects.get(cadastral_number=CAD).classification == "green"

    report = run([building(has_elevator=True)])

    assert_ok(report)
    assert report.updated["building"] == 1
    assert Building.objects.get(cadastral_number=CAD).classification == "yellow"


# --- 4. all or nothing ---------------------------------------------------------------------


def _bad_building_apartments_area() -> dict[str, Any]:
    return building("TEST:0002", apartments=[flat("1"), flat("2", area_m2=-5)])


def _bad_building_region() -> dict[str, Any]:
    return building("TEST:0003", region="Atlantis")


def _bad_building_flat_twice() -> dict[str, Any]:
    return building("TEST:0004", apartments=[flat("1"), flat("2"), flat("1")])


def _bad_building_shares() -> dict[str, Any]:
    return building(
        "TEST:0005",
        apartments=[flat("1", owners=[owner(PINFL_A, 0.6), owner(PINFL_B, 0.6)])],
    )


def _bad_building_pinfl() -> dict[str, Any]:
    return building("TEST:0006", apartments=[flat("1", owners=[owner(PINFL_A[:13])])])


def _bad_building_lat() -> dict[str, Any]:
    return building("TEST:0007", lat=10)


# (name, line factory, the field the error must name; None: no field, e.g. bad JSON)
BAD_LINES: list[tuple[str, Any, str | None]] = [
    (
        "wear.walls=130",
        lambda: assessment(assessed_on="2024-05-01", wear_values=wear(10, walls=130)),
        "wear.walls",
    ),
    ("area_m2=-5", _bad_building_apartments_area, "apartments[1].area_m2"),
    ("region Atlantis", _bad_building_region, "region"),
    ("apartment listed twice", _bad_building_flat_twice, "apartments[2].number"),
    ("shares 0.6+0.6", _bad_building_shares, "apartments[0].owners"),
    ("PINFL of 13 digits", _bad_building_pinfl, "apartments[0].owners[0].pinfl"),
    ("invalid JSON", lambda: '{"kind": "building", "cadastral_number": ', None),
    ("unknown kind", lambda: {"kind": "elevator", "cadastral_number": CAD}, "kind"),
    ("month 2026-13", lambda: consumption(month="2026-13"), "month"),
    ("lat 10", _bad_building_lat, "lat"),
    ("unknown cadastral", lambda: assessment("TEST:9999"), "cadastral_number"),
    ("building twice", lambda: building(CAD, address="Boshqa manzil"), "cadastral_number"),
]


def _good_lines() -> list[dict[str, Any]]:
    """Three good lines that, if written, would add a District and two Persons."""
    return [
        building(
            district=NEW_DISTRICT,
            apartments=[flat("1", owners=[owner(PINFL_A, "1/2"), owner(PINFL_C, "1/2")])],
        ),
        assessment(),
        consumption(),
    ]


def test_a_file_with_bad_lines_reports_every_bad_line_and_writes_nothing(cast: Cast) -> None:
    before = row_counts()
    records: list[Any] = [*_good_lines(), *[make() for _name, make, _field in BAD_LINES]]

    report = run(records)

    assert not report.ok
    found = errors_by_line(report)
    expected_lines = list(range(4, 4 + len(BAD_LINES)))
    assert sorted(found) == expected_lines, report.errors
    assert [e["line"] for e in report.errors] == expected_lines  # in line order
    for line, (name, _make, field_name) in zip(expected_lines, BAD_LINES, strict=True):
        if field_name is not None:
            assert found[line].startswith(f"{field_name}:"), (name, found[line])
    assert report.created == ZERO
    assert report.updated == ZERO
    assert row_counts() == before
    assert not District.objects.filter(name=NEW_DISTRICT).exists()
    assert not Person.objects.filter(pinfl__in=[PINFL_A, PINFL_C]).exists()
    assert not Building.objects.filter(cadastral_number=CAD).exists()


@pytest.mark.parametrize(
    ("make", "field_name"),
    [(make, field_name) for _name, make, field_name in BAD_LINES],
    ids=[name for name, _make, _field in BAD_LINES],
)
def test_a_single_bad_line_is_refused_naming_its_field(make: Any, field_name: str | None) -> None:
    before = row_counts()

    report = run([*_good_lines(), make()])

    assert not report.ok
    assert [e["line"] for e in report.errors] == [4], report.errors
    error = report.errors[0]["error"]
    assert error
    if field_name is not None:
        assert error.startswith(f"{field_name}:"), error
    assert row_counts() == before


def test_the_duplicate_building_error_names_the_first_line() -> None:
    report = run([building(), consumption(), building()])

    assert [e["line"] for e in report.errors] == [3]
    assert "1" in report.errors[0]["error"].removeprefix("cadastral_number:")


def test_every_line_referring_to_an_unknown_building_is_reported() -> None:
    before = row_counts()

    report = run(
        [
            building(),
            assessment("TEST:9999"),
            consumption("TEST:9999"),
            land_plot("TEST:9999"),
        ]
    )

    assert not report.ok
    assert [e["line"] for e in report.errors] == [2, 3, 4], report.errors
    assert all(e["error"].startswith("cadastral_number:") for e in report.errors)
    assert row_counts() == before


def test_a_reference_to_a_building_already_in_the_registry_is_accepted(cast: Cast) -> None:
    report = run([consumption("DEMO:TK:000A", month="2020-01")])

    assert_ok(report)
    assert report.created["consumption"] == 1


@pytest.mark.parametrize(
    ("record", "field_name"),
    [
        (building(wall_material="straw"), "wall_material"),
        (building(solar_panels=False, solar_transferred=True), "solar_transferred"),
        (building(apartments=[]), "apartments"),
        (building(floors=0), "floors"),
        (building(floors="9"), "floors"),
        (building(has_elevator="yes"), "has_elevator"),
        (building(lon=80), "lon"),
        (building(apartments=[flat("1", rooms=0)]), "apartments[0].rooms"),
        (building(apartments=[flat("1", area_m2="abc")]), "apartments[0].area_m2"),
        (
            building(apartments=[flat("1", owners=[owner(PINFL_A, "1/0")])]),
            "apartments[0].owners[0].share",
        ),
        (
            building(apartments=[flat("1", owners=[owner("33102900000001")])]),
            "apartments[0].owners[0].pinfl",
        ),
        (
            building(apartments=[flat("1", owners=[owner("71505850000001")])]),
            "apartments[0].owners[0].pinfl",
        ),
        (
            building(apartments=[flat("1", owners=[owner(PINFL_A, "1/2"), owner(PINFL_A, "1/2")])]),
            "apartments[0].owners",
        ),
        (assessment(assessed_on="2099-01-01"), "assessed_on"),
        (assessment(assessed_on="2025-02-30"), "assessed_on"),
        (assessment(wear_values={**wear(), "attic": 5}), "wear"),
        (assessment(wear_values=wear(10, gas=None)), "wear.gas"),
        (assessment(wear_values=wear(10, roof=-1)), "wear.roof"),
        (consumption(gas_m3=-1), "gas_m3"),
        (consumption(month="2025-1"), "month"),
        (land_plot(area_m2=0), "area_m2"),
        (land_plot(boundary={"type": "Point", "coordinates": [69.2, 41.3]}), "boundary"),
    ],
)
def test_other_bad_values_are_refused_naming_the_field(
    record: dict[str, Any], field_name: str
) -> None:
    records = [record] if record["kind"] == "building" else [building(), record]
    before = row_counts()

    report = run(records)

    assert len(report.errors) == 1, report.errors
    assert report.errors[0]["line"] == len(records)
    assert report.errors[0]["error"].startswith(f"{field_name}:"), report.errors
    assert row_counts() == before


@pytest.mark.parametrize(
    ("second", "field_name"),
    [
        (assessment(wear_values=wear(20)), "assessed_on"),
        (consumption(gas_m3=1), "month"),
        (land_plot(area_m2=99), "cadastral_number"),
    ],
    ids=["assessment", "consumption", "land_plot"],
)
def test_the_same_record_twice_in_one_file_is_refused_on_the_second_line(
    second: dict[str, Any], field_name: str
) -> None:
    first = {
        "assessment": assessment(),
        "consumption": consumption(),
        "land_plot": land_plot(),
    }[second["kind"]]
    before = row_counts()

    report = run([building(), first, second])

    assert [e["line"] for e in report.errors] == [3], report.errors
    assert report.errors[0]["error"].startswith(f"{field_name}:")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("records", "line", "field_name"),
    [
        ([building(apartments=[flat("1", 0.001)])], 1, "apartments[0].area_m2"),
        ([building(apartments=[flat("1"), flat("2", "0.004")])], 1, "apartments[1].area_m2"),
        ([building(), land_plot(area_m2=0.001)], 2, "area_m2"),
    ],
    ids=["only-apartment", "second-apartment", "land-plot"],
)
def test_an_area_that_rounds_to_zero_is_a_line_error_not_a_crash(
    records: list[dict[str, Any]], line: int, field_name: str
) -> None:
    """0.001 m² passes "greater than 0" but is stored to 2 places as 0.00, which the
    database refuses (area > 0): the importer must report the line, not raise."""
    before = row_counts()

    report = run(records)

    assert [e["line"] for e in report.errors] == [line], report.errors
    assert report.errors[0]["error"].startswith(f"{field_name}:")
    assert row_counts() == before


def test_blank_lines_are_skipped_but_counted() -> None:
    report = run([building(), "", "   ", consumption(month="2025-13")])

    assert [e["line"] for e in report.errors] == [4]


# --- 5. shares as exact fractions ------------------------------------------------------------


def test_three_shares_of_one_third_are_accepted_exactly() -> None:
    owners = [owner(PINFL_A, "1/3"), owner(PINFL_B, "1/3"), owner(PINFL_C, "1/3")]

    report = run([building(apartments=[flat("1", owners=owners)])])

    assert_ok(report)
    rows = Ownership.objects.filter(apartment__building__cadastral_number=CAD)
    assert sorted((o.share_numerator, o.share_denominator) for o in rows) == [(1, 3)] * 3
    assert sum((o.share for o in rows), Fraction(0)) == 1


def test_three_shares_of_0_33_are_refused() -> None:
    owners = [owner(PINFL_A, 0.33), owner(PINFL_B, 0.33), owner(PINFL_C, 0.33)]
    before = row_counts()

    report = run([building(apartments=[flat("1"), flat("2", owners=owners)])])

    assert [e["line"] for e in report.errors] == [1]
    assert report.errors[0]["error"].startswith("apartments[1].owners:")
    assert "0.99" in report.errors[0]["error"] or "99/100" in report.errors[0]["error"]
    assert row_counts() == before


def test_decimal_shares_that_add_up_exactly_are_accepted() -> None:
    owners = [owner(PINFL_A, 0.25), owner(PINFL_B, "0.75")]

    assert_ok(run([building(apartments=[flat("1", owners=owners)])]))

    shares = {
        o.person.pinfl: o.share
        for o in Ownership.objects.filter(apartment__building__cadastral_number=CAD)
    }
    assert shares == {PINFL_A: Fraction(1, 4), PINFL_B: Fraction(3, 4)}


def test_an_existing_person_is_reused_not_duplicated(cast: Cast) -> None:
    persons = Person.objects.count()
    owner_pinfl = "31505850010011"  # the demo "owner" persona

    assert_ok(run([building(apartments=[flat("1", owners=[owner(owner_pinfl)])])]))

    assert Person.objects.count() == persons
    assert Ownership.objects.filter(
        apartment__building__cadastral_number=CAD, person__pinfl=owner_pinfl
    ).exists()


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


# --- 7. elevators --------------------------------------------------------------------------


def test_a_building_without_elevator_accepts_null_elevator_wear() -> None:
    report = run([building(has_elevator=False), assessment(wear_values=wear(10, elevators=None))])

    assert_ok(report)
    a = ConditionAssessment.objects.get(building__cadastral_number=CAD)
    assert a.elevators is None
    b = Building.objects.get(cadastral_number=CAD)
    assert b.classification == "green"
    assert b.overall_wear == Decimal("10.00")


def test_a_building_without_elevator_ignores_elevator_wear() -> None:
    # The same assessment (10 % everywhere, elevators 95 %): only has_elevator decides.
    assert_ok(
        run(
            [
                building(has_elevator=False),
                building("TEST:0002", has_elevator=True),
                assessment(wear_values=wear(10, elevators=95)),
                assessment("TEST:0002", wear_values=wear(10, elevators=95)),
            ]
        )
    )

    without = Building.objects.get(cadastral_number=CAD)
    with_elevator = Building.objects.get(cadastral_number="TEST:0002")
    assert without.classification == "green"
    assert without.overall_wear == Decimal("10.00")
    assert with_elevator.classification == "yellow"


def test_a_building_with_elevator_needs_the_elevators_wear() -> None:
    """Like buildings.services.assessment_record (MSG_NEEDS_ELEVATOR_WEAR): an elevator
    building's assessment without elevator wear is refused, naming the field. Accepting it
    would count the missing wear as 0 % and make the building look better than it is."""
    before = row_counts()

    report = run([building(has_elevator=True), assessment(wear_values=wear(44, elevators=None))])

    assert [e["line"] for e in report.errors] == [2], (
        report.errors,
        list(
            Building.objects.filter(cadastral_number=CAD).values("classification", "overall_wear")
        ),
    )
    assert "elevators" in report.errors[0]["error"]
    assert row_counts() == before


# --- 8. the management command ---------------------------------------------------------------


def _write(path: Path, records: list[Any]) -> Path:
    path.write_text("\n".join(lines(records)) + "\n", encoding="utf-8")
    return path


def test_the_command_imports_a_file_and_prints_a_json_report(tmp_path: Path) -> None:
    path = _write(tmp_path / "turar-joy.jsonl", full_file())
    out = io.StringIO()

    call_command("import_turar_joy", str(path), "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report == {
        "created": {"building": 1, "assessment": 2, "consumption": 12, "land_plot": 1},
        "updated": ZERO,
        "unchanged": 0,
        "errors": [],
    }
    assert Building.objects.filter(cadastral_number=CAD).exists()
    assert Apartment.objects.filter(building__cadastral_number=CAD).count() == 3


def test_the_command_refuses_a_bad_file_prints_the_errors_and_writes_nothing(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path / "bad.jsonl",
        [building(district=NEW_DISTRICT), assessment(wear_values=wear(10, walls=130))],
    )
    before = row_counts()
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_turar_joy", str(path), "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert [e["line"] for e in report["errors"]] == [2]
    assert report["errors"][0]["error"].startswith("wear.walls:")
    assert report["created"] == ZERO
    assert row_counts() == before


def test_the_command_without_json_prints_each_bad_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.jsonl", [building(), consumption(month="2026-13")])
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_turar_joy", str(path), stdout=out)

    assert "line 2: month:" in out.getvalue()


def test_the_command_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import_turar_joy", str(tmp_path / "missing.jsonl"), stdout=io.StringIO())


# --- 9. the API --------------------------------------------------------------------------------


def _upload(records: list[Any], name: str = "turar-joy.jsonl") -> SimpleUploadedFile:
    content = ("\n".join(lines(records)) + "\n").encode("utf-8")
    return SimpleUploadedFile(name, content, content_type="application/x-ndjson")


def test_the_api_refuses_anonymous_with_401(cast: Cast) -> None:
    before = row_counts()

    response = APIClient().post(URL, {"file": _upload([building()])}, format="multipart")

    assert response.status_code == 401
    assert row_counts() == before


def test_the_api_refuses_an_owner_with_403(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["owner"])
    before = row_counts()

    response = api.post(URL, {"file": _upload([building()])}, format="multipart")

    assert response.status_code == 403
    assert row_counts() == before


def test_the_api_lets_an_inspector_import_their_region(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["inspector"])

    response = api.post(
        URL, {"file": _upload([building(), assessment(), land_plot()])}, format="multipart"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == {"building": 1, "assessment": 1, "consumption": 0, "land_plot": 1}
    assert body["errors"] == []
    b = Building.objects.get(cadastral_number=CAD)
    assert b.region == cast.region
    assert b.apartments.count() == 3


def test_the_api_refuses_a_building_of_another_region(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["inspector"])
    before = row_counts()
    samarkand = building(
        "TEST:0002", region="UZ-SA", district="Samarqand shahri", lat=39.65, lon=66.96
    )

    response = api.post(URL, {"file": _upload([building(), samarkand])}, format="multipart")

    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [e["line"] for e in errors] == [2]
    assert errors[0]["error"].startswith("region:")
    assert row_counts() == before
    assert not Building.objects.filter(cadastral_number__in=[CAD, "TEST:0002"]).exists()


def test_the_api_refuses_data_for_an_existing_building_of_another_region(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["inspector"])
    before = row_counts()

    response = api.post(
        URL, {"file": _upload([consumption("DEMO:SA:000C", month="2020-01")])}, format="multipart"
    )

    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [e["line"] for e in errors] == [1]
    assert errors[0]["error"].startswith("cadastral_number:")
    assert row_counts() == before


def test_the_api_refuses_moving_a_building_of_another_region_into_mine(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["inspector"])
    before = row_counts()
    moved = building("DEMO:SA:000C")  # the demo Samarkand building, claimed as Tashkent's

    response = api.post(URL, {"file": _upload([moved])}, format="multipart")

    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [e["line"] for e in errors] == [1]
    assert errors[0]["error"].startswith("region:")
    assert row_counts() == before
    assert Building.objects.get(cadastral_number="DEMO:SA:000C").region == cast.other_region


def test_the_api_lets_the_samarkand_inspector_import_samarkand(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["other_inspector"])
    samarkand = building(region="UZ-SA", district="Samarqand shahri", lat=39.65, lon=66.96)

    response = api.post(URL, {"file": _upload([samarkand])}, format="multipart")

    assert response.status_code == 200, response.content
    assert Building.objects.get(cadastral_number=CAD).region == cast.other_region


def test_the_api_without_a_file_is_400(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["inspector"])

    response = api.post(URL, {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()
