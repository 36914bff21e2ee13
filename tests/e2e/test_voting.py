"""Voting in the browser: an owner votes and finds the receipt on the board; a council
member opens an election and closes it after the window."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from buildings.models import Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import DEMO_A, DEMO_B
from tests.personas import PASSWORD
from voting.models import Ballot, Election, ElectionStatus
from voting.services import candidate_apply, election_open

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _lot(cast: Any) -> Lot:
    lot = Lot.objects.create(code="UZ-TK-890", region=cast.region, status=LotStatus.APPROVED)
    for cadastral in (DEMO_A, DEMO_B):
        LotBuilding.objects.create(
            lot=lot, building=Building.objects.get(cadastral_number=cadastral)
        )
    return lot


def _login(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/")


def test_an_owner_votes_and_finds_the_receipt_on_the_board(
    live_server: Any, cast: Any, browser_page: Any
) -> None:
    opened = timezone.now() - dt.timedelta(days=settings.VOTING_NOMINATION_DAYS + 1)
    election = election_open(lot=_lot(cast), by=cast.users["council"], at=opened)
    candidate = candidate_apply(
        election=election, company=cast.mc, by=cast.users["mc_director"], at=opened
    )
    page = browser_page
    _login(page, live_server.url, "owner@demo.uz")
    page.goto(f"{live_server.url}/voting/")
    page.click(f"a[href='/voting/elections/{election.pk}/']")
    page.check(f"input[name=candidate][value='{candidate.pk}']")
    page.locator(f"form[action='/voting/elections/{election.pk}/ballot/'] button").click()
    page.wait_for_load_state()
    ballot = Ballot.objects.get(election=election)
    assert page.locator(f"text={ballot.receipt}").first.is_visible()
    page.click(f"a[href='/voting/elections/{election.pk}/board/']")
    page.wait_for_load_state()
    assert page.locator(f"code:has-text('{ballot.receipt}')").is_visible()


def test_a_council_member_opens_and_closes_an_election(
    live_server: Any, cast: Any, browser_page: Any
) -> None:
    lot = _lot(cast)
    page = browser_page
    _login(page, live_server.url, "council@demo.uz")
    page.goto(f"{live_server.url}/lots/{lot.pk}/")
    page.locator(f"form[action='/voting/lots/{lot.pk}/open/'] button").click()
    page.wait_for_load_state()
    election = Election.objects.get(lot=lot)
    assert page.url.endswith(f"/voting/elections/{election.pk}/")
    Election.objects.filter(pk=election.pk).update(
        nomination_ends_at=timezone.now() - dt.timedelta(days=2),
        voting_ends_at=timezone.now() - dt.timedelta(days=1),
    )  # the window is over
    page.reload()
    page.locator(f"form[action='/voting/elections/{election.pk}/close/'] button").click()
    page.wait_for_load_state()
    election.refresh_from_db()
    assert election.status == ElectionStatus.CLOSED
