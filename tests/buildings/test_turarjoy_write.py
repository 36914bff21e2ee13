"""The Turar-Joy importer writes a valid file: every kind of row, classification from the
latest assessment, idempotency, updates in place, elevators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from accounts.models import Person
from buildings.models import (
    Apartment,
    Building,
    ConditionAssessment,
    LandPlot,
    MonthlyConsumption,
    Ownership,
)
from mening_uyim.demo import Cast
from tests.buildings.turarjoy_lines import (
    CAD,
    NEW_DISTRICT,
    PINFL_A,
    PINFL_B,
    PINFL_C,
    SQUARE,
    ZERO,
    assert_ok,
    assessment,
    building,
    flat,
    full_file,
    owner,
    row_counts,
    run,
    wear,
)

pytestmark = pytest.mark.django_db


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
        assessment(wear_values=wear(12.3, elevators=None)),  # one decimal: stored as is
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


# --- 3b. a file that lists fewer flats than the registry has ------------------------------


def _flats(n: int) -> list[dict[str, Any]]:
    """Flats 1..n, flat k of 40 + k m²."""
    return [flat(str(k), 40 + k) for k in range(1, n + 1)]


def _rows_say(cadastral: str = CAD) -> tuple[int, Decimal]:
    rows = Apartment.objects.filter(building__cadastral_number=cadastral)
    return rows.count(), sum((a.area_m2 for a in rows), Decimal(0))


def test_a_file_with_fewer_flats_warns_and_the_totals_stay_those_of_the_rows() -> None:
    """36 flats in the registry, 10 in the file: nothing is deleted, the missing 26 are
    reported, and the building says 36 flats and their area (not the file's 10)."""
    assert_ok(run([building(apartments=_flats(36))]))

    report = run([building(apartments=_flats(10))])

    assert_ok(report)
    b = Building.objects.get(cadastral_number=CAD)
    assert _rows_say() == (36, Decimal(sum(40 + k for k in range(1, 37))))
    assert (b.apartments_count, b.living_area_m2) == _rows_say()
    [warning] = report.warnings
    assert warning["line"] == 1
    assert warning["cadastral_number"] == CAD
    assert warning["missing_apartments"] == [str(k) for k in range(11, 37)]
    assert warning["warning"].startswith("apartments:")
    assert "26" in warning["warning"]
    assert report.as_dict()["warnings"] == [warning]


def test_a_changed_area_in_a_shorter_file_counts_with_the_flats_it_omits() -> None:
    assert_ok(run([building(apartments=_flats(5))]))

    report = run([building(apartments=[flat("1", 100), flat("2", 42)])])

    assert_ok(report)
    b = Building.objects.get(cadastral_number=CAD)
    assert (b.apartments_count, b.living_area_m2) == (5, Decimal(100 + 42 + 43 + 44 + 45))
    assert report.warnings[0]["missing_apartments"] == ["3", "4", "5"]


def test_the_same_shorter_file_twice_changes_nothing_and_warns_again() -> None:
    assert_ok(run([building(apartments=_flats(6))]))
    assert_ok(run([building(apartments=_flats(4))]))
    counts = row_counts()
    stored = Building.objects.values_list("apartments_count", "living_area_m2").get()

    again = run([building(apartments=_flats(4))])

    assert_ok(again)
    assert (again.created, again.updated, again.unchanged) == (ZERO, ZERO, 1)
    assert row_counts() == counts
    assert Building.objects.values_list("apartments_count", "living_area_m2").get() == stored
    assert again.warnings[0]["missing_apartments"] == ["5", "6"]


def test_a_file_that_lists_every_flat_gives_no_warning() -> None:
    assert_ok(run([building()]))

    assert run([building()]).warnings == []


def test_the_total_area_is_turar_joys_and_kept_when_a_line_omits_it() -> None:
    """total_area_m2 (common areas included) is not derived from the flats: a line may
    give it; a new building without it starts at its living area; a later line without
    it leaves it as it is."""
    assert_ok(run([building()]))
    assert Building.objects.get().total_area_m2 == Decimal(150)  # 3 flats of 50 m²

    assert_ok(run([building(total_area_m2=212.5)]))
    assert Building.objects.get().total_area_m2 == Decimal("212.50")

    report = run([building(apartments=[flat("1"), flat("2"), flat("3"), flat("4")])])

    assert_ok(report)
    b = Building.objects.get()
    assert (b.total_area_m2, b.living_area_m2, b.apartments_count) == (
        Decimal("212.50"),
        Decimal(200),
        4,
    )


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
