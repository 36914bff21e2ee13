"""Persona matrix of the dispatch pages: the owner's page and its form, the phone call,
the queue's rows, a ticket, its steps, its photo, appeals and an appeal.

The world (tests.dispatch.world): the owner's ticket of flat 12 in building A (managed by
the personas' MC) with a photo, and the owner's appeal. The co-owner shares flat 12; the
neighbour owns in building B and the outsider in Samarkand. Every POST here writes
nothing (an empty or refused form: 400 for who may send it), whoever sends it."""

from __future__ import annotations

import pytest
from django.test import Client

from mening_uyim.demo import Cast
from tests.access import ALL, LOGIN, Case, check
from tests.dispatch.world import owner_appeal, owner_ticket

pytestmark = pytest.mark.django_db

ROUTES = {
    "dispatch:home",
    "dispatch:call",
    "dispatch:queue_rows",
    "dispatch:ticket",
    "dispatch:ticket_action",
    "dispatch:ticket_photo",
    "dispatch:appeals",
    "dispatch:appeal",
}

OWNERS = {"owner": 200, "co_owner": 200, "neighbour": 200, "outsider": 200}
MC = {"mc_director": 200, "mc_dispatcher": 200, "rival_mc": 200}
INSPECTORS = {"inspector": 200, "other_inspector": 200}
HOME = {"default": 404, "anonymous": LOGIN, **OWNERS, **MC, **INSPECTORS}
FILE = {"default": 404, "anonymous": LOGIN, **{k: 400 for k in OWNERS}}
CALL = {"default": 404, "anonymous": LOGIN, **{k: 400 for k in MC}}
QUEUE = {"default": 404, "anonymous": LOGIN, **MC}
# the owner's ticket: its owners' side, its MC, its region's inspector
TICKET = {
    "default": 404,
    "anonymous": LOGIN,
    "owner": 200,
    "co_owner": 200,
    "mc_director": 200,
    "mc_dispatcher": 200,
    "inspector": 200,
}
COMMENT = {**{k: 400 for k, v in TICKET.items() if v == 200}, "default": 404, "anonymous": LOGIN}
COMMENT["inspector"] = 404  # reads, takes no step
RATE_UNRESOLVED = {"default": 404, "anonymous": LOGIN, "owner": 400, "co_owner": 400}
APPEALS = {"default": 404, "anonymous": LOGIN, **OWNERS, **INSPECTORS}
APPEAL_FORM = {"default": 404, "anonymous": LOGIN, **{k: 400 for k in OWNERS}}
APPEAL = {"default": 404, "anonymous": LOGIN, "owner": 200, "inspector": 200}
ANSWER = {"default": 404, "anonymous": LOGIN, "inspector": 400}


def _ticket(c: Cast) -> str:
    return f"/dispatch/tickets/{owner_ticket(c).pk}/"


CASES = [
    Case("dispatch page", lambda c: (owner_ticket(c), "/dispatch/")[1], HOME),
    Case("file a ticket (empty form)", lambda c: "/dispatch/", FILE, "post"),
    Case("take a call (empty form)", lambda c: "/dispatch/calls/", CALL, "post"),
    Case("queue rows", lambda c: (owner_ticket(c), "/dispatch/queue/rows/")[1], QUEUE),
    Case("a ticket", _ticket, TICKET),
    Case("comment (empty)", lambda c: _ticket(c) + "comment/", COMMENT, "post"),
    Case(
        "rate an unresolved ticket",
        lambda c: _ticket(c) + "rate/",
        RATE_UNRESOLVED,
        "post",
        {"rating": "5"},
    ),
    Case(
        "resolve (bad action for owners)",
        lambda c: _ticket(c) + "unknown/",
        {"default": 404, "anonymous": LOGIN},
        "post",
    ),
    Case(
        "a ticket's photo",
        lambda c: f"{_ticket(c)}photos/{owner_ticket(c).photos.get().pk}/",
        TICKET,
    ),
    Case("appeals", lambda c: (owner_appeal(c), "/dispatch/appeals/")[1], APPEALS),
    Case("file an appeal (empty form)", lambda c: "/dispatch/appeals/", APPEAL_FORM, "post"),
    Case("an appeal", lambda c: f"/dispatch/appeals/{owner_appeal(c).pk}/", APPEAL),
    Case(
        "answer an appeal (empty)",
        lambda c: f"/dispatch/appeals/{owner_appeal(c).pk}/",
        ANSWER,
        "post",
    ),
]

PAIRS = [(key, case) for case in CASES for key in ALL if case.expected_for(key) is not None]


@pytest.mark.parametrize(("key", "case"), PAIRS, ids=[f"{c.name}-{k}" for k, c in PAIRS])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)
