"""The Turar-Joy importer and ownership: exact shares, persons reused, the owners' date and
no back-dated rewrite of the history."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest

from accounts.models import Person
from buildings.models import Ownership
from buildings.services import MSG_OWNERSHIP_BACKDATED
from mening_uyim.demo import Cast
from tests.buildings.turarjoy_lines import (
    CAD,
    PINFL_A,
    PINFL_B,
    PINFL_C,
    ZERO,
    assert_ok,
    building,
    flat,
    owner,
    row_counts,
    run,
)

pytestmark = pytest.mark.django_db


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


# --- 5b. ownership history: owners_since, no back-dated rewrite --------------------------------


def _owned(since: str | None, *owners: dict[str, Any]) -> dict[str, Any]:
    record = flat("1", owners=list(owners))
    if since is not None:
        record["owners_since"] = since
    return record


def _history() -> list[tuple[str, dt.date, dt.date | None]]:
    rows = Ownership.objects.filter(apartment__building__cadastral_number=CAD)
    return sorted((o.person.pinfl, o.since, o.until) for o in rows)


def test_owners_since_dates_the_ownership_and_closes_the_previous_owners() -> None:
    assert_ok(run([building(apartments=[_owned("2020-03-01", owner(PINFL_A))])]))

    assert_ok(run([building(apartments=[_owned("2026-01-10", owner(PINFL_B))])]))

    assert _history() == [
        (PINFL_A, dt.date(2020, 3, 1), dt.date(2026, 1, 9)),
        (PINFL_B, dt.date(2026, 1, 10), None),
    ]


def test_a_back_dated_owner_change_is_refused_and_nothing_is_written() -> None:
    """The file says B owns flat 1 from 2025-06-01, but A is recorded from 2026-01-10:
    writing it would delete A's ownership (or overlap it). The line is refused."""
    assert_ok(run([building(apartments=[_owned("2026-01-10", owner(PINFL_A))])]))
    before, history = row_counts(), _history()

    report = run(
        [building("TEST:0002"), building(apartments=[_owned("2025-06-01", owner(PINFL_B))])]
    )

    assert [e["line"] for e in report.errors] == [2], report.errors
    assert report.errors[0]["error"] == "apartments[0].owners_since: " + str(
        MSG_OWNERSHIP_BACKDATED % {"since": "2025-06-01", "recorded": dt.date(2026, 1, 10)}
    )
    assert row_counts() == before
    assert _history() == history
    assert not Person.objects.filter(pinfl=PINFL_B).exists()


def test_a_back_dated_change_over_closed_history_is_refused() -> None:
    assert_ok(run([building(apartments=[_owned("2020-01-01", owner(PINFL_A))])]))
    assert_ok(run([building(apartments=[_owned("2026-01-01", owner(PINFL_B))])]))
    history = _history()

    report = run([building(apartments=[_owned("2025-06-01", owner(PINFL_C))])])

    assert [e["line"] for e in report.errors] == [1]
    assert report.errors[0]["error"].startswith("apartments[0].owners_since:")
    assert _history() == history


def test_the_same_owners_with_another_date_change_nothing() -> None:
    records = [building(apartments=[_owned("2026-01-10", owner(PINFL_A))])]
    assert_ok(run(records))
    history = _history()

    again = run([building(apartments=[_owned("2020-01-01", owner(PINFL_A))])])

    assert_ok(again)
    assert again.updated["building"] == 0
    assert _history() == history


def test_owners_without_a_date_are_owners_from_the_day_of_the_import() -> None:
    from django.utils import timezone

    assert_ok(run([building(apartments=[flat("1", owners=[owner(PINFL_A)])])]))

    assert _history() == [(PINFL_A, timezone.localdate(), None)]


@pytest.mark.parametrize(
    ("record", "field_name"),
    [
        (_owned("2099-01-01", owner(PINFL_A)), "apartments[0].owners_since"),
        (_owned("2026-02-30", owner(PINFL_A)), "apartments[0].owners_since"),
        ({**flat("1"), "owners_since": "2020-01-01"}, "apartments[0].owners_since"),
    ],
    ids=["future", "no-such-day", "without-owners"],
)
def test_a_bad_owners_since_is_refused_naming_the_field(
    record: dict[str, Any], field_name: str
) -> None:
    before = row_counts()

    report = run([building(apartments=[record])])

    assert [e["line"] for e in report.errors] == [1], report.errors
    assert report.errors[0]["error"].startswith(f"{field_name}:")
    assert row_counts() == before


def test_a_conflict_that_validation_did_not_see_is_refused_by_the_write(monkeypatch) -> None:
    """Ownership recorded between validation and writing (a concurrent change): the
    service refuses, the transaction is rolled back, and the report names the line."""
    from buildings.turarjoy import registry_checks

    assert_ok(run([building(apartments=[_owned("2026-01-10", owner(PINFL_A))])]))
    monkeypatch.setattr(registry_checks, "ownership_history_errors", lambda parsed: [])
    before, history = row_counts(), _history()

    report = run(
        [building("TEST:0002"), building(apartments=[_owned("2025-06-01", owner(PINFL_B))])]
    )

    assert [e["line"] for e in report.errors] == [2], report.errors
    assert report.errors[0]["error"].startswith("apartments[0].owners:")
    assert report.created == ZERO
    assert row_counts() == before
    assert _history() == history
