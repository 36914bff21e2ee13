"""Each role's home is its work (issue 14, point 3; mening_uyim/homes.py).

The world: lot UZ-TK-960 (buildings A and B) managed by the personas' MC, charged for
December 2026 and partly paid; an open election of lot UZ-TK-890 (A and B) with the
owner's ballot; a meeting of building A; the owner's ticket, breached and escalated; the
owner's appeal, overdue; a lease violation in each region; a proposed lot of Yunusobod.
The clock is frozen on 10 December 2026, noon in Tashkent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from billing.accrual import accrual_lot
from billing.services import tariff_set
from buildings.models import Apartment, Building
from dispatch.models import Appeal
from dispatch.services import escalate_breaches
from lots.models import Lot, LotBuilding, LotStatus
from lots.services import lot_decide
from mening_uyim import homes
from mening_uyim.demo import DEMO_A, Cast
from tests.billing.conftest import pay
from tests.billing.revenue_world import sa_violation, tk_lot, tk_violation
from tests.dispatch.world import owner_appeal, owner_ticket
from tests.voting.admin_world import national_inspector, tk_election, tk_meeting

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 12, 10, 12, 0))
DEC = dt.date(2026, 12, 1)
TARIFF = 1_000_00  # 1 000 so'm per m²


def _at(moment: dt.datetime) -> Any:
    """The clock frozen at ``moment`` (``django.utils.timezone.now``, as the project's
    other date tests freeze it)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def frozen() -> Iterator[None]:
    with _at(NOW):
        yield


def _flat_12() -> Apartment:
    return Apartment.objects.get(building__cadastral_number=DEMO_A, number="12")


def _proposed_lot(c: Cast, make_building: Any) -> Lot:
    """A lot of one new Yunusobod building, proposed to its only council (the persona's)."""
    building = make_building(flats=3)
    Building.objects.filter(pk=building.pk).update(district=c.district)
    lot = Lot.objects.create(code="UZ-TK-970", region=c.region, status=LotStatus.PROPOSED)
    LotBuilding.objects.create(lot=lot, building=building)
    return lot


@pytest.fixture
def world(cast: Cast, frozen: None, settings: Any, make_building: Any) -> dict[str, Any]:
    """Money and dispatch: the managed lot charged and paid, the owner's ticket and
    appeal, lease violations, a proposed lot."""
    settings.LOT_MIN_APARTMENTS = 1
    lot = tk_lot(cast)
    tariff_set(lot=lot, tiyin_per_m2=TARIFF, effective_from=DEC, by=cast.users["council"])
    accrual_lot(lot_id=lot.pk, period=DEC, at=NOW)
    pay(_flat_12(), 20_000_00, NOW - dt.timedelta(days=2))
    pay(_flat_12(), 5_000_00, NOW - dt.timedelta(days=15))  # November's: not this month
    with _at(NOW - dt.timedelta(days=20)):
        ticket = owner_ticket(cast)
        appeal = owner_appeal(cast)
    escalate_breaches(at=NOW)
    tk_violation(cast)
    sa_violation(cast)
    return {
        "lot": lot,
        "ticket": ticket,
        "appeal": appeal,
        "proposed": _proposed_lot(cast, make_building),
    }


@pytest.fixture
def votes(cast: Cast, frozen: None) -> dict[str, Any]:
    """An open election of lot UZ-TK-890 (buildings A and B, approved: not the managed
    lot of ``world``, which holds the same buildings) and a meeting of building A."""
    return {"election": tk_election(cast), "meeting": tk_meeting(cast)}


def _home(client: Client, user: Any) -> str:
    client.force_login(user)
    page = client.get("/")
    assert page.status_code == 200
    return page.content.decode()


def _section(html: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}".*?</section>', html, re.S)
    assert match is not None, anchor
    return match.group(0)


def test_the_owner_sees_apartments_balance_and_tickets(
    client: Client, cast: Cast, world: dict[str, Any]
) -> None:
    owner = cast.users["owner"]
    found = homes.owner_home(owner)
    flat = _flat_12()
    charged = int(flat.area_m2 * TARIFF)
    paid = 20_000_00 + 5_000_00
    assert found.balance_tiyin == charged - paid
    assert [a.pk for a in found.apartments] == [flat.pk]
    assert found.apartments[0].balance_tiyin == charged - paid
    assert [t.pk for t in found.tickets] == [world["ticket"].pk]
    html = _home(client, owner)
    assert f'/billing/apartments/{flat.pk}/"' in _section(html, "apartments")
    assert f'/dispatch/tickets/{world["ticket"].pk}/"' in _section(html, "tickets")
    assert 'id="company"' not in html
    assert 'id="inspection"' not in html
    outsider = homes.owner_home(cast.users["outsider"])
    assert outsider.tickets == []
    assert outsider.balance_tiyin == 0


def test_the_owner_sees_the_votes_open_to_them(
    client: Client, cast: Cast, votes: dict[str, Any]
) -> None:
    found = homes.owner_home(cast.users["owner"])
    assert [e.pk for e in found.elections] == [votes["election"].pk]
    assert [m.pk for m in found.meetings] == [votes["meeting"].pk]
    html = _section(_home(client, cast.users["owner"]), "votes")
    assert f'/voting/elections/{votes["election"].pk}/"' in html
    assert f'/voting/meetings/{votes["meeting"].pk}/"' in html
    # the co-owner of flat 12 is in both electorates; the Samarkand outsider in neither
    assert homes.owner_home(cast.users["co_owner"]).elections == [votes["election"]]
    outsider = homes.owner_home(cast.users["outsider"])
    assert outsider.elections == []
    assert outsider.meetings == []


def test_the_company_sees_its_lots_collections_queue_and_deadlines(
    client: Client, cast: Cast, world: dict[str, Any]
) -> None:
    found = homes.company_home(cast.users["mc_director"])
    (row,) = [r for r in found.lots if r.lot.pk == world["lot"].pk]
    apartments = Apartment.objects.filter(building__lot_membership__lot=world["lot"])
    assert row.charged_tiyin == sum(int(a.area_m2 * TARIFF) for a in apartments)
    assert row.collected_tiyin == 20_000_00  # this month's payment only
    assert row.percent == round(100 * 20_000_00 / row.charged_tiyin)
    assert found.open_tickets == 1
    assert found.breached == 1
    assert [q.lot.pk for q in found.quarters] == [world["lot"].pk]
    assert found.quarters[0].state == "due"
    assert found.buildings == Building.objects.filter(manager=cast.mc).count()
    html = _section(_home(client, cast.users["mc_director"]), "company")
    assert f'/lots/{world["lot"].pk}/"' in html
    assert f'/dispatch/tickets/{world["ticket"].pk}/"' in html
    # the rival MC sees none of it
    rival = homes.company_home(cast.users["rival_mc"])
    assert world["lot"].pk not in [r.lot.pk for r in rival.lots]
    assert rival.open_tickets == 0


def test_the_council_sees_what_awaits_its_decision(
    client: Client, cast: Cast, world: dict[str, Any]
) -> None:
    council = cast.users["council"]
    assert [lot.pk for lot in homes.council_home(council).awaiting] == [world["proposed"].pk]
    assert f'/lots/{world["proposed"].pk}/"' in _section(_home(client, council), "council")
    lot_decide(lot=world["proposed"], by=council, approve=True, comment="")
    after = homes.council_home(council)
    assert after.awaiting == []  # decided (and, as the only council, approved)
    assert world["proposed"].pk in [lot.pk for lot in after.to_open]
    assert homes.council_home(cast.users["other_council"]).awaiting == []


def test_the_council_sees_its_election_calendar(
    client: Client, cast: Cast, votes: dict[str, Any]
) -> None:
    council = cast.users["council"]
    assert votes["election"].pk in [e.pk for e in homes.council_home(council).elections]
    html = _section(_home(client, council), "council")
    assert f'/voting/elections/{votes["election"].pk}/"' in html
    other = homes.council_home(cast.users["other_council"])
    assert votes["election"].pk not in [e.pk for e in other.elections]


def test_the_inspector_sees_the_regions_figures_each_a_link(
    client: Client, cast: Cast, world: dict[str, Any]
) -> None:
    found = homes.inspector_home(cast.users["inspector"])
    assert found.region == cast.region
    by_class = {f.key: f.count for f in found.classes}
    for key, count in by_class.items():
        assert count == Building.objects.filter(region=cast.region, classification=key).count()
    by_status = {f.key: f.count for f in found.lots}
    assert by_status["managed"] == Lot.objects.filter(region=cast.region, status="managed").count()
    assert by_status["proposed"] == 1
    work = {f.key: f.count for f in found.work}
    assert work["escalations"] == 1
    assert work["appeals"] == 1
    assert work["violations"] == 1  # Tashkent's, not Samarkand's
    html = _section(_home(client, cast.users["inspector"]), "inspection")
    for figure in [*found.classes, *found.lots, *found.work]:
        assert f'href="{figure.url}"' in html.replace("&amp;", "&"), figure.key
    samarkand = {f.key: f.count for f in homes.inspector_home(cast.users["other_inspector"]).work}
    assert samarkand["escalations"] == 0
    assert samarkand["appeals"] == 0
    assert samarkand["violations"] == 1


def test_an_appeal_answered_or_not_yet_due_is_not_overdue(cast: Cast, world: Any) -> None:
    Appeal.objects.filter(pk=world["appeal"].pk).update(due_at=NOW + dt.timedelta(hours=1))
    work = {f.key: f.count for f in homes.inspector_home(cast.users["inspector"]).work}
    assert work["appeals"] == 0


@pytest.mark.parametrize("key", ["national_inspector", "admin"])
def test_national_overseers_see_every_region(cast: Cast, world: Any, key: str) -> None:
    national_inspector(cast)
    found = homes.inspector_home(cast.users[key])
    assert found.region is None
    work = {f.key: f.count for f in found.work}
    assert work["violations"] == 2
    assert work["escalations"] == 1
    assert sum(f.count for f in found.classes) == Building.objects.count()


def test_the_administrator_is_greeted_by_role_and_has_the_lots(client: Client, cast: Cast) -> None:
    html = _home(client, cast.users["admin"])
    assert "admin@demo.uz" not in html.split("<main", 1)[1]
    assert 'href="/lots/"' in html
    assert 'id="inspection"' in html


# Query counts: fixed, whatever the number of rows (ARCHITECTURE.md "Query counts").
HOME_QUERIES = {  # a warm request: the session, the login, then the page's own
    "owner": 8,
    "mc_director": 10,
    "council": 7,
    "inspector": 10,
    "admin": 9,
}


def _grow(cast: Cast) -> None:
    """More of everything each home lists or counts."""
    for n in range(3):
        lot = Lot.objects.create(code=f"UZ-TK-98{n}", region=cast.region, manager=cast.mc)
        lot.status = LotStatus.MANAGED
        lot.save(update_fields=["status"])
    with _at(NOW - dt.timedelta(days=20)):
        from dispatch.services import ticket_file

        for n in range(3):
            ticket_file(
                by=cast.users["owner"],
                building=Building.objects.get(cadastral_number=DEMO_A),
                apartment=_flat_12(),
                text=f"Liftda chiroq yonmayapti {n}",
                photos=[],
            )
    escalate_breaches(at=NOW)


@pytest.mark.parametrize("key", list(HOME_QUERIES))
def test_each_home_runs_a_fixed_number_of_queries(
    client: Client,
    cast: Cast,
    world: Any,
    key: str,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(cast.users[key])
    client.get("/")  # the roles are cached across requests (accounts.permissions)
    with django_assert_max_num_queries(HOME_QUERIES[key]):
        assert client.get("/").status_code == 200
    _grow(cast)
    with django_assert_max_num_queries(HOME_QUERIES[key]):
        assert client.get("/").status_code == 200
