"""An approved lot with a known electorate, for the election tests.

Building X (Yunusobod, the ``council`` persona's district), four flats of 50 m²:
flat 1 owned ½ by ``owner`` and ½ by ``co_owner``; flat 2 by ``neighbour``; flats 3 and
4 by two more owners (``third``, ``fourth``). Total weight 200 m²; the two MCs of the
cast (``mc``: director persona, ``rival_mc``: rival persona) are eligible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from buildings.models import Building, Ownership
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import Cast
from tests.factories import PersonFactory

T0 = timezone.make_aware(dt.datetime(2026, 12, 1, 10, 0))


@dataclass
class World:
    lot: Lot
    building: Building
    voters: dict[str, User]


@pytest.fixture
def world(cast: Cast, make_building: Any) -> World:
    building = make_building(flats=4)
    Building.objects.filter(pk=building.pk).update(district=cast.district)
    building.refresh_from_db()
    flats = list(building.apartments.order_by("pk"))
    for flat in flats:
        assert flat.area_m2 == Decimal(50)
    third, fourth = PersonFactory.create(), PersonFactory.create()
    assert third.user is not None
    assert fourth.user is not None
    voters = {
        "owner": cast.users["owner"],
        "co_owner": cast.users["co_owner"],
        "neighbour": cast.users["neighbour"],
        "third": third.user,
        "fourth": fourth.user,
    }
    since = dt.date(2020, 1, 1)
    rows = [
        (flats[0], cast.users["owner"].person, 1, 2),
        (flats[0], cast.users["co_owner"].person, 1, 2),
        (flats[1], cast.users["neighbour"].person, 1, 1),
        (flats[2], third, 1, 1),
        (flats[3], fourth, 1, 1),
    ]
    Ownership.objects.bulk_create(
        [
            Ownership(apartment=a, person=p, share_numerator=n, share_denominator=d, since=since)
            for a, p, n, d in rows
        ]
    )
    lot = Lot.objects.create(code="UZ-TK-850", region=cast.region, status=LotStatus.APPROVED)
    LotBuilding.objects.create(lot=lot, building=building)
    return World(lot, building, voters)


@pytest.fixture(autouse=True)
def every_close_is_retallied(request: pytest.FixtureRequest) -> Any:
    """Issue 9 ("Done when"): after every close in the tests, ``retally`` matches the
    published result. When a test that touched the database ends, every closed election
    and meeting is recounted from its stored ballots. A test that alters ballots behind
    the code's back on purpose says so with ``@pytest.mark.tampered``."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or request.node.get_closest_marker("tampered") is not None:
        yield
        return
    transactional = bool(marker.kwargs.get("transaction")) or (marker.args and marker.args[0])
    request.getfixturevalue("transactional_db" if transactional else "db")
    yield
    import contextlib
    import json
    from io import StringIO

    from django.core.management import call_command

    from voting.models import Election, ElectionStatus, Meeting, MeetingStatus

    closed = [
        ("election", pk)
        for pk in Election.objects.filter(status=ElectionStatus.CLOSED).values_list("pk", flat=True)
    ] + [
        ("meeting", pk)
        for pk in Meeting.objects.filter(status=MeetingStatus.CLOSED).values_list("pk", flat=True)
    ]
    for kind, pk in closed:
        out = StringIO()
        with contextlib.suppress(SystemExit):  # the JSON says why
            call_command("retally", kind, str(pk), "--json", stdout=out)
        report = json.loads(out.getvalue())
        assert report["matches_published"] is True, (kind, pk, report)


def ownerships_end(person: Any) -> None:
    """End ``person``'s ownerships (written around the services, as a later change in the
    registry): the day before today, or the day a row started if that is later (an
    ownership may not end before it starts, and some seeded rows are dated by the day the
    data was made, so no fixed date stays valid)."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for row in Ownership.objects.filter(person=person):
        Ownership.objects.filter(pk=row.pk).update(until=max(row.since, yesterday))
