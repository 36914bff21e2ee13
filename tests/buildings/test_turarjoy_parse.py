"""The Turar-Joy importer validates every line: all or nothing, every bad line reported
with its field, nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Person
from buildings.models import Building
from buildings.services import MSG_WEAR_TOO_PRECISE
from mening_uyim.demo import Cast
from territory.models import District
from tests.buildings.turarjoy_lines import (
    CAD,
    NEW_DISTRICT,
    PINFL_A,
    PINFL_B,
    PINFL_C,
    ZERO,
    assert_ok,
    assessment,
    building,
    consumption,
    errors_by_line,
    flat,
    land_plot,
    owner,
    row_counts,
    run,
    wear,
)

pytestmark = pytest.mark.django_db


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


# --- 4b. wear is never rounded across a class boundary ---------------------------------------


@pytest.mark.parametrize("value", [60.04, "60.04", 60.05, "70.01", 0.001, "40.10000001"])
def test_a_wear_with_more_than_one_decimal_is_refused_not_rounded(value: Any) -> None:
    """Wear is stored with one decimal. Rounded, 60.04 % would be 60.0 %: W not above 60
    and the building yellow, when what was measured puts it in red."""
    before = row_counts()

    report = run([building(), assessment(wear_values=wear(10, walls=value))])

    assert [e["line"] for e in report.errors] == [2], report.errors
    error = report.errors[0]["error"]
    assert error == "wear.walls: " + str(MSG_WEAR_TOO_PRECISE % {"value": value})
    assert row_counts() == before


def test_every_element_at_60_04_is_refused_naming_the_first_element() -> None:
    report = run([building(), assessment(wear_values=wear(60.04))])

    assert [e["line"] for e in report.errors] == [2]
    assert report.errors[0]["error"].startswith("wear.foundation:")
    assert not Building.objects.filter(cadastral_number=CAD).exists()


@pytest.mark.parametrize(
    ("value", "klass"), [(60, "yellow"), ("60.0", "yellow"), ("60.10", "red"), (60.1, "red")]
)
def test_a_wear_of_one_decimal_is_classified_as_given(value: Any, klass: str) -> None:
    # Trailing zeros are not precision: 60.10 is 60.1.
    assert_ok(run([building(), assessment(wear_values=wear(value))]))

    assert Building.objects.get(cadastral_number=CAD).classification == klass
