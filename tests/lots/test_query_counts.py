"""Query counts of the lot pages and the register (issue 8, point 16): pinned, and the same
when the data grows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from buildings.services import assessment_record
from lots.models import Lot, LotBuilding, LotStatus
from lots.program import program_generate
from mening_uyim.demo import Cast
from organizations.models import RegisterStatus
from tests.buildings.conftest import wear
from tests.factories import ManagementCompanyFactory
from tests.lots.conftest import district

pytestmark = pytest.mark.django_db

PINS = {
    "/lots/": 6,
    "/lots/{lot}/": 17,  # 14, the tariff in force, billing.policies deciding the link, the reports
    "/lots/council/": 6,
    "/organizations/": 7,
    "/api/v1/lots/{lot}/": 11,
}


def _grow(cast: Cast, town, n: int, start: int) -> Lot:
    """n more lots in the council's district, each with buildings, items and a manager."""
    lot = None
    for i in range(start, start + n):
        buildings = town(district("UZ-TK", "Yunusobod tumani"), 3, flats=5)
        lot = Lot.objects.create(code=f"UZ-TK-Q{i:02d}", region=cast.region)
        LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in buildings])
        for b in buildings:
            assessment_record(building=b, assessed_on=dt.date(2026, 1, 1), wear=wear(roof=72))
        program_generate(lot=lot)
        Lot.objects.filter(pk=lot.pk).update(
            status=LotStatus.APPROVED,
            manager=ManagementCompanyFactory.create(status=RegisterStatus.REGISTERED),
        )
    assert lot is not None
    return lot


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", list(PINS))
def test_lot_pages_are_pinned_and_constant_as_the_data_grows(
    client: Client, cast: Cast, town, path: str
) -> None:
    lot = _grow(cast, town, 2, 0)
    url = path.format(lot=lot.pk)
    client.force_login(cast.users["council"])
    small = _count(client, url)
    bigger_lot = _grow(cast, town, 6, 10)
    # the same page of a lot with as many rows, among four times as many lots
    bigger = _count(client, path.format(lot=bigger_lot.pk))
    assert bigger == small, (url, small, bigger)
    assert small <= PINS[path], (url, small)
