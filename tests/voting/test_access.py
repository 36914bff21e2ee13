"""Persona matrix: elections, the board, ballots and the council's and candidates' acts;
general meetings, their board, ballots, comments, signatures and protocol.

An election of a lot holding the demo buildings A and B, in its voting window, with the
personas' MC standing: owner and co_owner (building A) and neighbour (building B) are
its electorate; the council (Yunusobod) runs it. A general meeting of building A called
by the council, in its voting window: owner and co_owner are its electorate, the
personas' MC manages the building, the Tashkent inspector oversees it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from buildings.models import Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import DEMO_A, DEMO_B, Cast
from tests.access import ALL, LOGIN, Case, check
from voting.meetings import AgendaItem, meeting_initiate
from voting.models import Election, Meeting
from voting.services import candidate_apply, election_open

pytestmark = pytest.mark.django_db

ROUTES = {
    "voting:my_votes",
    "voting:open",
    "voting:election",
    "voting:figures",
    "voting:board",
    "voting:protocol",
    "voting:ballot",
    "voting:apply",
    "voting:close",
    "voting:appoint",
    "api:elections",
    "api:election",
    "api:election-ballot",
    "api:election-board",
    "api:my-receipts",
    "voting:building_meetings",
    "voting:meeting",
    "voting:meeting_figures",
    "voting:meeting_sign",
    "voting:meeting_comment",
    "voting:meeting_ballot",
    "voting:meeting_close",
    "voting:meeting_board",
    "voting:meeting_protocol",
    "api:meetings",
    "api:meeting",
    "api:meeting-ballot",
    "api:meeting-board",
    "api:my-meeting-receipts",
}


def election(c: Cast) -> Election:
    found = Election.objects.filter(lot__code="UZ-TK-880").first()
    if found is not None:
        return found
    lot = Lot.objects.create(code="UZ-TK-880", region=c.region, status=LotStatus.APPROVED)
    for cadastral in (DEMO_A, DEMO_B):
        LotBuilding.objects.create(
            lot=lot, building=Building.objects.get(cadastral_number=cadastral)
        )
    opened = timezone.now() - dt.timedelta(days=settings.VOTING_NOMINATION_DAYS + 1)
    made = election_open(lot=lot, by=c.users["council"], at=opened)
    candidate_apply(election=made, company=c.mc, by=c.users["mc_director"], at=opened)
    return made


def meeting(c: Cast) -> Meeting:
    building = Building.objects.get(cadastral_number=DEMO_A)
    found = Meeting.objects.filter(building=building, initiator="council").first()
    if found is not None:
        return found
    back = settings.VOTING_MEETING_DISCUSSION_DAYS * dt.timedelta(days=1)
    return meeting_initiate(
        building=building,
        by=c.users["council"],
        initiator="council",
        agenda=[AgendaItem("Hovlini obodonlashtirish")],
        at=timezone.now() - back - dt.timedelta(hours=1),
    )


def building_a(c: Cast) -> int:
    return Building.objects.only("pk").get(cadastral_number=DEMO_A).pk


def lot_pk(c: Cast) -> int:
    return election(c).lot_id


SEES = {
    "default": 404,
    "anonymous": LOGIN,
    "owner": 200,
    "co_owner": 200,
    "neighbour": 200,
    "mc_director": 200,
    "mc_dispatcher": 200,
    "rival_mc": 200,
    "council": 200,
    "inspector": 200,
}
BOARD = {
    "default": 404,
    "anonymous": LOGIN,
    "owner": 200,
    "co_owner": 200,
    "neighbour": 200,
    "council": 200,
    "inspector": 200,
}


def _api(expect: dict[str, object]) -> dict[str, object]:
    return {**expect, "anonymous": 401}


def _refused(sees: dict[str, object]) -> dict[str, object]:
    """Who sees the election is refused with a reason (303); who does not gets 404."""
    return {k: (303 if v == 200 else v) for k, v in sees.items()}


CASES = [
    Case("my votes", lambda c: "/voting/", {"default": 200, "anonymous": LOGIN}),
    Case("election", lambda c: f"/voting/elections/{election(c).pk}/", SEES),
    Case("figures", lambda c: f"/voting/elections/{election(c).pk}/figures/", SEES),
    Case("board", lambda c: f"/voting/elections/{election(c).pk}/board/", BOARD),
    Case(
        "protocol of an open election",
        lambda c: f"/voting/elections/{election(c).pk}/protocol.pdf",
        {"default": 404, "anonymous": LOGIN},
    ),
    Case("api elections", lambda c: "/api/v1/elections/", {"default": 200, "anonymous": 401}),
    Case("api election", lambda c: f"/api/v1/elections/{election(c).pk}/", _api(SEES)),
    Case("api board", lambda c: f"/api/v1/elections/{election(c).pk}/board/", _api(BOARD)),
    Case("api my receipts", lambda c: "/api/v1/me/receipts/", {"default": 200, "anonymous": 401}),
    # writes that change nothing, whoever asks
    Case(
        "open again",
        lambda c: f"/voting/lots/{lot_pk(c)}/open/",
        {
            "default": 404,
            "anonymous": LOGIN,
            "owner": 303,
            "co_owner": 303,
            "neighbour": 303,
            "council": 303,
            "inspector": 303,
        },
        "post",
    ),
    Case(
        "apply during voting",
        lambda c: f"/voting/elections/{election(c).pk}/apply/",
        _refused(SEES),
        "post",
    ),
    Case(
        "close before the end",
        lambda c: f"/voting/elections/{election(c).pk}/close/",
        _refused(SEES),
        "post",
    ),
    Case(
        "appoint without cause",
        lambda c: f"/voting/elections/{election(c).pk}/appoint/",
        _refused(SEES),
        "post",
        {"company": "1", "reason": "x"},
    ),
    Case(
        "ballot by a non-elector",
        lambda c: f"/voting/elections/{election(c).pk}/ballot/",
        {**_refused(SEES), "owner": None, "co_owner": None, "neighbour": None},
        "post",
        {"candidate": "1"},
    ),
    Case(
        "api ballot for a company that does not stand",
        lambda c: f"/api/v1/elections/{election(c).pk}/ballots/",
        {k: (400 if v == 200 else v) for k, v in _api(SEES).items()},
        "post",
        {"candidate": str(10**9)},
    ),
]

# --- general meetings ---------------------------------------------------------------------

MEETING = {
    "default": 404,
    "anonymous": LOGIN,
    "owner": 200,
    "co_owner": 200,
    "mc_director": 200,
    "mc_dispatcher": 200,
    "council": 200,
    "inspector": 200,
}
MEETING_BOARD = {
    "default": 404,
    "anonymous": LOGIN,
    "owner": 200,
    "co_owner": 200,
    "council": 200,
    "inspector": 200,
}
# who may call a meeting of building A: its owners, its MC's director, its council
INITIATORS = {"owner": 400, "co_owner": 400, "mc_director": 400, "council": 400}

CASES += [
    Case(
        "building meetings",
        lambda c: f"/voting/buildings/{building_a(c)}/meetings/",
        {"default": 200, "anonymous": LOGIN},
    ),
    Case(
        "call a meeting without an agenda",
        lambda c: f"/voting/buildings/{building_a(c)}/meetings/",
        {"default": 404, "anonymous": LOGIN, **INITIATORS},
        "post",
        {"initiator": "council", "q-TOTAL_FORMS": "0", "q-INITIAL_FORMS": "0"},
    ),
    Case("meeting", lambda c: f"/voting/meetings/{meeting(c).pk}/", MEETING),
    Case("meeting figures", lambda c: f"/voting/meetings/{meeting(c).pk}/figures/", MEETING),
    Case("meeting board", lambda c: f"/voting/meetings/{meeting(c).pk}/board/", MEETING_BOARD),
    Case(
        "protocol of an open meeting",
        lambda c: f"/voting/meetings/{meeting(c).pk}/protocol.pdf",
        {"default": 404, "anonymous": LOGIN},
    ),
    Case(
        "sign an open meeting",
        lambda c: f"/voting/meetings/{meeting(c).pk}/sign/",
        _refused(MEETING),
        "post",
    ),
    Case(
        "comment after the discussion",
        lambda c: f"/voting/meetings/{meeting(c).pk}/comment/",
        _refused(MEETING),
        "post",
        {"text": "Kech qoldim"},
    ),
    Case(
        "meeting ballot answering nothing",
        lambda c: f"/voting/meetings/{meeting(c).pk}/ballot/",
        _refused(MEETING),
        "post",
    ),
    Case(
        "close a meeting before the end",
        lambda c: f"/voting/meetings/{meeting(c).pk}/close/",
        _refused(MEETING),
        "post",
    ),
    Case("api meetings", lambda c: "/api/v1/meetings/", {"default": 200, "anonymous": 401}),
    Case("api meeting", lambda c: f"/api/v1/meetings/{meeting(c).pk}/", _api(MEETING)),
    Case(
        "api meeting board",
        lambda c: f"/api/v1/meetings/{meeting(c).pk}/board/",
        _api(MEETING_BOARD),
    ),
    Case(
        "api meeting ballot answering nothing",
        lambda c: f"/api/v1/meetings/{meeting(c).pk}/ballots/",
        {k: (400 if v == 200 else v) for k, v in _api(MEETING).items()},
        "post",
    ),
    Case(
        "api my meeting receipts",
        lambda c: "/api/v1/me/meeting-receipts/",
        {"default": 200, "anonymous": 401},
    ),
]

PAIRS = [(key, case) for case in CASES for key in ALL if case.expected_for(key) is not None]


@pytest.mark.parametrize(("key", "case"), PAIRS, ids=[f"{c.name}-{k}" for k, c in PAIRS])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)
