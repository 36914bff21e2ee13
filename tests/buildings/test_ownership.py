"""Ownership history (issue point 9): a back-dated change never erases later history or
leaves overlapping periods; only a same-day replacement replaces rows; and the database
refuses overlapping periods of one apartment (run on SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Person
from buildings.models import Apartment, Ownership
from buildings.services import MSG_OWNERSHIP_BACKDATED, ownership_replace

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def apartment(make_building) -> Apartment:
    return make_building(flats=1).apartments.get()


@pytest.fixture
def people(db: None) -> list[Person]:
    return [
        Person.objects.create(pinfl=f"3010190000{i:04d}", full_name=f"Egasi {i}") for i in range(4)
    ]


def history(apartment: Apartment) -> list[tuple[str, dt.date, dt.date | None]]:
    rows = Ownership.objects.filter(apartment=apartment).order_by("since", "person__pinfl")
    return [(o.person.full_name, o.since, o.until) for o in rows]


def test_a_later_change_closes_the_current_owners_the_day_before(apartment, people) -> None:
    x, y, _z, _w = people
    ownership_replace(apartment=apartment, owners=[(x, Fraction(1))], since=D(2020, 1, 1))

    ownership_replace(apartment=apartment, owners=[(y, Fraction(1))], since=D(2026, 1, 10))

    assert history(apartment) == [
        ("Egasi 0", D(2020, 1, 1), D(2026, 1, 9)),
        ("Egasi 1", D(2026, 1, 10), None),
    ]


def test_a_same_day_replacement_replaces_the_rows(apartment, people) -> None:
    x, y, z, _w = people
    ownership_replace(apartment=apartment, owners=[(x, Fraction(1))], since=D(2020, 1, 1))
    ownership_replace(apartment=apartment, owners=[(y, Fraction(1))], since=D(2026, 1, 10))

    ownership_replace(
        apartment=apartment, owners=[(z, Fraction(1, 2)), (y, Fraction(1, 2))], since=D(2026, 1, 10)
    )

    assert history(apartment) == [
        ("Egasi 0", D(2020, 1, 1), D(2026, 1, 9)),
        ("Egasi 1", D(2026, 1, 10), None),
        ("Egasi 2", D(2026, 1, 10), None),
    ]


def test_a_back_dated_change_does_not_erase_the_current_owners(apartment, people) -> None:
    """Today's code deleted the current rows (since >= the new date) and wrote the new
    owners from the earlier date: the recorded owner vanished from the history."""
    x, y, _z, _w = people
    ownership_replace(apartment=apartment, owners=[(x, Fraction(1))], since=D(2026, 1, 10))
    before = history(apartment)

    with pytest.raises(ValidationError) as exc:
        ownership_replace(apartment=apartment, owners=[(y, Fraction(1))], since=D(2025, 6, 1))

    assert exc.value.message_dict["since"] == [
        str(MSG_OWNERSHIP_BACKDATED % {"since": "2025-06-01", "recorded": D(2026, 1, 10)})
    ]
    assert history(apartment) == before


def test_a_back_dated_change_does_not_overlap_closed_history(apartment, people) -> None:
    """X 2020→2025-12-31, Y from 2026-01-01; Z "from 2025-06-01" would have deleted Y and
    left X and Z owning the flat together for seven months (shares summing to 2)."""
    x, y, z, _w = people
    ownership_replace(apartment=apartment, owners=[(x, Fraction(1))], since=D(2020, 1, 1))
    ownership_replace(apartment=apartment, owners=[(y, Fraction(1))], since=D(2026, 1, 1))
    before = history(apartment)

    with pytest.raises(ValidationError):
        ownership_replace(apartment=apartment, owners=[(z, Fraction(1))], since=D(2025, 6, 1))

    assert history(apartment) == before


def test_a_change_dated_inside_a_closed_period_is_refused(apartment, people) -> None:
    """Between the old owners' start and the current owners' start: refused too, since
    the current owners would have to be deleted or overlapped."""
    x, y, z, _w = people
    ownership_replace(apartment=apartment, owners=[(x, Fraction(1))], since=D(2020, 1, 1))
    ownership_replace(apartment=apartment, owners=[(y, Fraction(1))], since=D(2026, 1, 1))

    with pytest.raises(ValidationError):
        ownership_replace(
            apartment=apartment,
            owners=[(z, Fraction(1))],
            since=D(2026, 1, 1) - dt.timedelta(days=1),
        )

    assert [name for name, _s, _u in history(apartment)] == ["Egasi 0", "Egasi 1"]


def test_a_change_of_an_apartment_without_owners_may_be_dated_in_the_past(
    apartment, people
) -> None:
    ownership_replace(apartment=apartment, owners=[(people[0], Fraction(1))], since=D(1999, 5, 1))

    assert history(apartment) == [("Egasi 0", D(1999, 5, 1), None)]


# --- the database guard --------------------------------------------------------------------


def _row(apartment: Apartment, person: Person, since: dt.date, until: dt.date | None = None):
    return Ownership(apartment=apartment, person=person, since=since, until=until)


@pytest.mark.parametrize(
    ("since", "until"),
    [
        (D(2025, 6, 1), None),  # starts inside the current period
        (D(2019, 6, 1), D(2020, 1, 1)),  # ends on the current period's first day
        (D(2019, 6, 1), None),  # starts before it and never ends
    ],
)
def test_the_database_refuses_overlapping_periods(
    apartment, people, since: dt.date, until: dt.date | None
) -> None:
    """Written past the service (a raw insert): refused by the database itself."""
    Ownership.objects.create(apartment=apartment, person=people[0], since=D(2020, 1, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        Ownership.objects.bulk_create([_row(apartment, people[1], since, until)])

    assert Ownership.objects.filter(apartment=apartment).count() == 1


def test_the_database_refuses_an_update_that_makes_periods_overlap(apartment, people) -> None:
    old = Ownership.objects.create(
        apartment=apartment, person=people[0], since=D(2020, 1, 1), until=D(2025, 12, 31)
    )
    Ownership.objects.create(apartment=apartment, person=people[1], since=D(2026, 1, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        Ownership.objects.filter(pk=old.pk).update(until=None)

    assert Ownership.objects.get(pk=old.pk).until == D(2025, 12, 31)


def test_the_database_accepts_co_owners_and_consecutive_periods(apartment, people) -> None:
    a, b, c, _d = people
    Ownership.objects.bulk_create(
        [
            _row(apartment, a, D(2020, 1, 1), D(2025, 12, 31)),
            _row(apartment, b, D(2020, 1, 1), D(2025, 12, 31)),  # a co-owner: same period
            _row(apartment, c, D(2026, 1, 1)),  # the next day
        ]
    )

    assert Ownership.objects.filter(apartment=apartment).count() == 3


def test_other_apartments_do_not_conflict(make_building, people) -> None:
    one, two = make_building(flats=2).apartments.order_by("number")
    Ownership.objects.create(apartment=one, person=people[0], since=D(2020, 1, 1))

    Ownership.objects.create(apartment=two, person=people[1], since=D(2021, 1, 1))

    assert Ownership.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_overlapping_inserts_leave_one_period(make_building) -> None:
    """Two writers past the service (no apartment lock), at the same moment: the
    exclusion constraint lets exactly one of them commit."""
    import threading

    from django.db import DatabaseError, connection

    apartment = make_building(flats=1).apartments.get()
    people = [Person.objects.create(pinfl=f"3010190001{i:04d}", full_name=f"E {i}") for i in (1, 2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def write(person: Person, since: dt.date) -> None:
        try:
            with transaction.atomic():
                barrier.wait()
                Ownership.objects.create(apartment=apartment, person=person, since=since)
            outcomes.append("written")
        except IntegrityError:
            outcomes.append("refused")
        except DatabaseError as exc:  # e.g. a deadlock the server broke: also a refusal
            outcomes.append(f"refused ({type(exc).__name__})")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(people[0], D(2020, 1, 1))),
        threading.Thread(target=write, args=(people[1], D(2021, 1, 1))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(o.split(" ")[0] for o in outcomes) == ["refused", "written"], outcomes
    assert Ownership.objects.filter(apartment=apartment).count() == 1
