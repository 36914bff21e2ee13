"""The council's list of lots (lots.selectors.council_lots), kept in the shared cache per
district: a second request reads no lot, and every writer of what the list shows voids it
at once (a lot saved, a building moved or resized, a company renamed, the formation's
bulk writes)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from buildings.models import Building
from lots.forming import _drafts_release
from lots.models import Lot, LotBuilding, LotStatus, LotStatusChange
from mening_uyim.demo import Cast
from tests.lots.conftest import district

pytestmark = pytest.mark.django_db
URL = "/lots/council/"


def _page(client: Client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def _lot(cast: Cast, town, code: str) -> Lot:
    buildings = town(district("UZ-TK", "Yunusobod tumani"), 2, flats=5)
    lot = Lot.objects.create(code=code, region=cast.region)
    for b in buildings:
        LotBuilding.objects.create(lot=lot, building=b)
    return lot


@pytest.fixture
def council(client: Client, cast: Cast) -> Client:
    client.force_login(cast.users["council"])
    return client


def test_a_second_request_reads_no_lot(cast: Cast, town, council: Client) -> None:
    lot = _lot(cast, town, "UZ-TK-C01")
    first, _ = _page(council)
    again, queries = _page(council)
    assert lot.code in first
    assert again.split("<main", 1)[1] == first.split("<main", 1)[1]
    assert not [q for q in queries if "lots_lot" in q]


def test_a_lot_saved_shows_at_once(cast: Cast, town, council: Client) -> None:
    lot = _lot(cast, town, "UZ-TK-C02")
    _page(council)
    lot.status = LotStatus.PROPOSED
    lot.save(update_fields=["status"])
    page, _ = _page(council)
    assert f"status-{LotStatus.PROPOSED}" in page


def test_a_new_lot_and_a_moved_building_show_at_once(cast: Cast, town, council: Client) -> None:
    _page(council)
    lot = _lot(cast, town, "UZ-TK-C03")
    assert lot.code in _page(council)[0]
    member = LotBuilding.objects.filter(lot=lot).first()
    assert member is not None
    member.delete()
    page, _ = _page(council)
    assert lot.code in page  # the other building is still in the district


def test_a_building_resized_changes_the_lots_apartments_at_once(
    cast: Cast, town, council: Client
) -> None:
    lot = _lot(cast, town, "UZ-TK-C04")
    before, _ = _page(council)
    building = Building.objects.filter(lot_membership__lot=lot).first()
    assert building is not None
    building.apartments_count += 1000
    building.save(update_fields=["apartments_count"])
    after, _ = _page(council)
    assert after != before


def test_drafts_released_by_the_formation_show_at_once(cast: Cast, town, council: Client) -> None:
    """A draft with council work is discarded by an UPDATE (lots.forming), past the
    receivers; one without is deleted."""
    worked = _lot(cast, town, "UZ-TK-C05")
    LotStatusChange.objects.create(lot=worked, to_status=LotStatus.DRAFT, comment="-")
    idle = _lot(cast, town, "UZ-TK-C06")
    page, _ = _page(council)
    assert worked.code in page
    assert idle.code in page
    _drafts_release(region=cast.region, force=True)
    page, _ = _page(council)
    assert idle.code not in page
    assert worked.code not in page or f"status-{LotStatus.DISCARDED}" in page


def test_releasing_drafts_deletes_their_buildings_in_one_statement(
    cast: Cast, town, django_capture_on_commit_callbacks
) -> None:
    """The receivers of LotBuilding must not turn a re-formation's delete into a loop over
    its rows: the caches are renewed once, not once a row."""
    for n in range(2):
        lot = _lot(cast, town, f"UZ-TK-D{n}")
        for b in town(district("UZ-TK", "Yunusobod tumani"), 5, flats=2):
            LotBuilding.objects.create(lot=lot, building=b)
    with (
        django_capture_on_commit_callbacks() as renewals,
        CaptureQueriesContext(connection) as ctx,
    ):
        _drafts_release(region=cast.region, force=True)
    deletes = [
        q for q in ctx.captured_queries if q["sql"].startswith('DELETE FROM "lots_lotbuilding"')
    ]
    assert len(deletes) == 1
    assert not LotBuilding.objects.filter(lot__code__startswith="UZ-TK-D").exists()
    assert len(renewals) <= 8  # a few for the release and the two lots, none a member
