"""The Turar-Joy importer and ownership: exact shares, persons reused."""

from __future__ import annotations

from fractions import Fraction

import pytest

from accounts.models import Person
from buildings.models import Ownership
from mening_uyim.demo import Cast
from tests.buildings.turarjoy_lines import (
    CAD,
    PINFL_A,
    PINFL_B,
    PINFL_C,
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
