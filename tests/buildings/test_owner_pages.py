"""An owner's pages, cached whole (buildings.owner_pages): a second request reads no row and
shows what the first did; every writer of what a page shows voids it at once; the clock
bounds it; officials, messages and POSTs are never served from it; the CSRF token is the
request's own. The world is the demo's at a small scale (tests/demo_world.py)."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.security.session_keys import MFA_ENROLLED
from accounts.services import membership_grant
from billing.ledger import Line, account_for, transaction_post
from billing.models import AccountKind
from buildings.models import Apartment, Building
from buildings.owner_pages import CSRF_MARK
from dispatch.services import ticket_file
from lots.models import Lot
from mening_uyim.demo import Cast, owner_examples
from tests.queries import session_queries
from voting.meetings import meeting_ballot_cast
from voting.models import Meeting

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"([^"]+)"')


@pytest.fixture
def seeded(cast: Cast, demo_world: tuple[Lot, Lot]) -> Cast:
    call_command("seed_demo", "--json", stdout=StringIO(), stderr=StringIO())
    return cast


def _owner_pages(cast: Cast) -> list[str]:
    flat, meeting = owner_examples(cast.users["owner"])
    assert flat is not None
    assert meeting is not None
    return [
        "/",
        "/registry/my-apartments/",
        "/billing/",
        f"/billing/apartments/{flat}/",
        "/voting/",
        f"/voting/meetings/{meeting}/",
        "/dispatch/",
    ]


def _get(client: Client, url: str) -> tuple[str, int]:
    """The page, and the queries it made beyond the session's read."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(ctx.captured_queries) - session_queries()


def _untokened(page: str) -> str:
    return TOKEN.sub(r'\1"-"', page)


def test_a_second_request_reads_no_row_and_shows_the_same_page(seeded: Cast, client) -> None:
    client.force_login(seeded.users["owner"])
    for url in _owner_pages(seeded):
        first, built = _get(client, url)
        again, queries = _get(client, url)
        assert built > 0, url
        assert queries == 0, url
        assert _untokened(again) == _untokened(first), url
        assert CSRF_MARK not in again


def test_the_cached_page_carries_the_requests_own_csrf_token(seeded: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(seeded.users["owner"])
    client.get("/dispatch/")
    page, queries = _get(client, "/dispatch/")
    assert queries == 0
    tokens = {m.group(2) for m in TOKEN.finditer(page)}
    assert tokens
    assert CSRF_MARK not in tokens
    flat = Apartment.objects.filter(
        ownerships__person__user=seeded.users["owner"], ownerships__until__isnull=True
    ).first()
    assert flat is not None
    response = client.post(
        "/dispatch/",
        {
            "building": flat.building_id,
            "apartment": flat.pk,
            "text": "Oshxonada kran oqyapti",
            "csrfmiddlewaretoken": tokens.pop(),
        },
    )
    assert response.status_code in (200, 302), response.content[:300]


def _balance_shown(client: Client) -> str:
    page, _ = _get(client, "/billing/")
    return re.sub(r"\s+", " ", page.split("<main", 1)[1])


def test_a_payment_shows_on_the_bills_at_once(seeded: Cast, client) -> None:
    owner = seeded.users["owner"]
    client.force_login(owner)
    before = _balance_shown(client)
    assert _get(client, "/billing/")[1] == 0  # cached
    flat = Apartment.objects.filter(
        ownerships__person__user=owner, ownerships__until__isnull=True
    ).first()
    assert flat is not None
    clearing = account_for(AccountKind.CLEARING, provider="payme")
    transaction_post(
        kind="payment",
        at=timezone.now(),
        lines=[
            Line(amount_tiyin=123_400, account=clearing),
            Line(amount_tiyin=-123_400, apartment_id=flat.pk),
        ],
        memo="payme test",
    )
    assert _balance_shown(client) != before


def test_a_ticket_filed_shows_on_the_owners_tickets_at_once(seeded: Cast, client) -> None:
    owner = seeded.users["owner"]
    client.force_login(owner)
    _get(client, "/dispatch/")
    flat = Apartment.objects.filter(
        ownerships__person__user=owner, ownerships__until__isnull=True
    ).first()
    assert flat is not None
    ticket = ticket_file(
        by=owner,
        building=flat.building,
        apartment=flat,
        text="Yerto'lada quvur yorilib, suv oqyapti",
    )
    page, queries = _get(client, "/dispatch/")
    assert queries > 0
    assert f'data-ticket="{ticket.pk}"' in page


def test_a_ballot_cast_shows_on_the_meeting_page_at_once(seeded: Cast, client) -> None:
    owner = seeded.users["owner"]
    client.force_login(owner)
    url = _owner_pages(seeded)[5]
    meeting = Meeting.objects.get(pk=int(url.rstrip("/").rsplit("/", 1)[1]))
    before, _ = _get(client, url)
    choices = {str(q.pk): "against" for q in meeting.questions.all()}
    meeting_ballot_cast(meeting=meeting, voter=owner, choices=choices)
    after, queries = _get(client, url)
    assert queries > 0
    assert _untokened(after) != _untokened(before)


def test_a_building_renamed_shows_on_my_apartments_at_once(seeded: Cast, client) -> None:
    owner = seeded.users["owner"]
    client.force_login(owner)
    _get(client, "/registry/my-apartments/")
    building = Building.objects.filter(apartments__ownerships__person__user=owner).first()
    assert building is not None
    building.address = "Amir Temur shoh ko'chasi, 108-uy"
    building.save(update_fields=["address"])
    page, _ = _get(client, "/registry/my-apartments/")
    assert "Amir Temur shoh ko&#x27;chasi, 108-uy" in page or "Amir Temur shoh" in page


def test_the_clock_bounds_a_cached_page(seeded: Cast, client, settings) -> None:
    settings.OWNER_PAGE_SECONDS = 60
    client.force_login(seeded.users["owner"])
    start = timezone.now().replace(second=5, microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=start):
        _get(client, "/voting/")
        assert _get(client, "/voting/")[1] == 0
    later = start + dt.timedelta(seconds=60)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _get(client, "/voting/")[1] > 0


def test_no_page_is_cached_when_turned_off(seeded: Cast, client, settings) -> None:
    settings.OWNER_PAGE_SECONDS = 0
    client.force_login(seeded.users["owner"])
    _get(client, "/voting/")
    assert _get(client, "/voting/")[1] > 0


@pytest.mark.parametrize("role", ["council_member", "inspector", "mc_dispatcher", "superuser"])
def test_an_owner_who_is_also_an_official_is_never_served_from_the_cache(
    seeded: Cast, client, role
) -> None:
    """An official's home and queue read a district or a region: no building's stamp
    follows them."""
    owner = seeded.users["owner"]
    if role == "superuser":
        owner.is_superuser = True
        owner.save(update_fields=["is_superuser"])
    else:
        place: dict[str, Any] = {
            "council_member": {"district_id": seeded.district.pk},
            "inspector": {"region_id": seeded.region.pk},
            "mc_dispatcher": {"organization_id": seeded.mc.pk},
        }[role]
        membership_grant(user=owner, role=role, **place)
    client.force_login(owner)
    session = client.session
    session[MFA_ENROLLED] = True  # an official's second factor, as at its login
    session.save()
    for url in ("/", "/dispatch/", "/voting/"):
        _get(client, url)
        assert _get(client, url)[1] > 0, url


def test_a_message_is_shown_once_not_cached(seeded: Cast, client) -> None:
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    client.force_login(seeded.users["owner"])
    _get(client, "/registry/my-apartments/")
    assert _get(client, "/registry/my-apartments/")[1] == 0  # cached
    encoded = CookieStorage(mock.Mock(COOKIES={}))._encode(  # type: ignore[attr-defined]
        [Message(constants.SUCCESS, "Xabar bir marta ko'rinadi")]
    )
    client.cookies["messages"] = encoded  # CookieStorage.cookie_name
    shown, _ = _get(client, "/registry/my-apartments/")
    assert "Xabar bir marta" in shown
    again, _ = _get(client, "/registry/my-apartments/")
    assert "Xabar bir marta" not in again


def test_only_the_pages_own_parameters_are_cached(seeded: Cast, client) -> None:
    """An entered amount, or a made-up parameter, fills no entry; a page number does."""
    client.force_login(seeded.users["owner"])
    bill = _owner_pages(seeded)[3]
    for url in (f"{bill}?amount=50000", "/voting/?x=1", "/dispatch/?x=1"):
        _get(client, url)
        assert _get(client, url)[1] > 0, url
    _get(client, "/dispatch/?page=1")
    assert _get(client, "/dispatch/?page=1")[1] == 0


def test_a_months_accrual_shows_on_the_bills_at_once(seeded: Cast, client) -> None:
    """The accrual writes the ledger in bulk, past the receivers: it renews the stamps of
    its lots' buildings itself (billing.accrual)."""
    from django.db.models import Max

    from billing.accrual import accrual_lot
    from billing.models import LedgerEntry
    from core.periods import month_next
    from lots.models import LotBuilding

    owner = seeded.users["owner"]
    client.force_login(owner)
    flat, _meeting = owner_examples(owner)
    assert flat is not None
    apartment = Apartment.objects.get(pk=flat)
    lot_id = LotBuilding.objects.get(building_id=apartment.building_id).lot_id
    last = LedgerEntry.objects.filter(apartment_id=flat, kind="charge").aggregate(m=Max("period"))
    assert last["m"] is not None
    period = month_next(last["m"])
    before = _balance_shown(client)
    assert _get(client, "/billing/")[1] == 0  # cached
    result = accrual_lot(lot_id=lot_id, period=period)
    assert result.charged > 0
    assert _balance_shown(client) != before
