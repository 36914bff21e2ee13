"""Voting in the browser: an owner votes and finds the receipt on the board; a council
member opens an election and closes it after the window; a co-owner votes in a general
meeting; the council calls one from the building's page and closes it. Every close is
re-tallied from the stored ballots."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from buildings.models import Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import DEMO_A, DEMO_B
from tests.e2e.browser import log_in
from voting.meetings import AgendaItem, meeting_initiate
from voting.models import (
    Ballot,
    Election,
    ElectionStatus,
    Meeting,
    MeetingBallot,
    MeetingInitiator,
    MeetingStatus,
    QuestionKind,
)
from voting.services import candidate_apply, election_open

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _lot(cast: Any) -> Lot:
    lot = Lot.objects.create(code="UZ-TK-890", region=cast.region, status=LotStatus.APPROVED)
    for cadastral in (DEMO_A, DEMO_B):
        LotBuilding.objects.create(
            lot=lot, building=Building.objects.get(cadastral_number=cadastral)
        )
    return lot


def test_an_owner_votes_and_finds_the_receipt_on_the_board(
    live_server: Any, cast: Any, browser_page: Any
) -> None:
    opened = timezone.now() - dt.timedelta(days=settings.VOTING_NOMINATION_DAYS + 1)
    election = election_open(lot=_lot(cast), by=cast.users["council"], at=opened)
    candidate = candidate_apply(
        election=election, company=cast.mc, by=cast.users["mc_director"], at=opened
    )
    page = browser_page
    log_in(page, live_server.url, "owner@demo.uz")
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
    log_in(page, live_server.url, "council@demo.uz")
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
    assert _retally("election", election.pk)["matches_published"] is True


def _retally(kind: str, pk: int) -> dict[str, Any]:
    out = StringIO()
    call_command("retally", kind, str(pk), "--json", stdout=out)
    return dict(json.loads(out.getvalue()))


def _meeting_in_voting(cast: Any) -> Meeting:
    back = settings.VOTING_MEETING_DISCUSSION_DAYS * dt.timedelta(days=1)
    return meeting_initiate(
        building=Building.objects.get(cadastral_number=DEMO_A),
        by=cast.users["mc_director"],
        initiator=MeetingInitiator.MC,
        agenda=[
            AgendaItem("Yertoʻlani «Nur» MChJga 3 yilga ijaraga berish", QuestionKind.LEASE),
            AgendaItem("Hovlini obodonlashtirish jadvali", QuestionKind.OTHER),
        ],
        at=timezone.now() - back - dt.timedelta(hours=1),
    )


def test_an_owner_votes_in_a_general_meeting_and_finds_the_receipt(
    live_server: Any, cast: Any, browser_page: Any
) -> None:
    meeting = _meeting_in_voting(cast)
    lease, schedule = meeting.questions.order_by("order")
    page = browser_page
    log_in(page, live_server.url, "co-owner@demo.uz")
    page.goto(f"{live_server.url}/voting/")
    page.click(f"a[href='/voting/meetings/{meeting.pk}/']")
    page.check(f"input[name=q{lease.pk}][value=against]")
    page.check(f"input[name=q{schedule.pk}][value=for]")
    page.locator(f"form[action='/voting/meetings/{meeting.pk}/ballot/'] button").click()
    page.wait_for_load_state()
    ballot = MeetingBallot.objects.get(meeting=meeting)
    assert ballot.choices == {str(lease.pk): "against", str(schedule.pk): "for"}
    assert page.locator(f"text={ballot.receipt}").first.is_visible()
    page.click(f"a[href='/voting/meetings/{meeting.pk}/board/']")
    page.wait_for_load_state()
    assert page.locator(f"code:has-text('{ballot.receipt}')").is_visible()


def test_the_council_calls_a_meeting_and_it_closes_with_a_protocol(
    live_server: Any, cast: Any, browser_page: Any
) -> None:
    building = Building.objects.get(cadastral_number=DEMO_A)
    page = browser_page
    log_in(page, live_server.url, "council@demo.uz")
    page.goto(f"{live_server.url}/registry/buildings/{building.pk}/")
    page.click(f"a[href='/voting/buildings/{building.pk}/meetings/']")
    page.select_option("select[name=initiator]", "council")
    page.fill("textarea[name=q-0-text]", "Tom taʼmiri: kapital taʼmir rejasini tasdiqlash")
    page.select_option("select[name=q-0-kind]", "capital_repair")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    meeting = Meeting.objects.get(building=building)
    assert page.url.endswith(f"/voting/meetings/{meeting.pk}/")
    assert meeting.questions.get().rule == "qualified"
    Meeting.objects.filter(pk=meeting.pk).update(
        opened_at=timezone.now() - dt.timedelta(days=3),
        discussion_ends_at=timezone.now() - dt.timedelta(days=2),
        voting_ends_at=timezone.now() - dt.timedelta(days=1),
    )  # the windows are over
    page.reload()
    page.locator(f"form[action='/voting/meetings/{meeting.pk}/close/'] button").click()
    page.wait_for_load_state()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert _retally("meeting", meeting.pk)["matches_published"] is True
    assert page.locator(
        f"a[href='/voting/meetings/{meeting.pk}/protocol.pdf?lang=ru']"
    ).is_visible()
