"""Persona matrix: the voting pages of the inspection console (voting/admin.py).

Only inspectors and the administrator reach the console; a regional inspector sees the
elections and meetings of their region, and a row of another region is 404 even by direct
link; a national inspector and the administrator see all. Nothing there is writable, by
anyone: every POST (change, delete, add) is 403, and no table changes.

Besides the standard cast (tests.access.ALL), a national inspector and the administrator.
The console's route names (``admin:voting_*``) are Django's admin's, which
tests/test_routes.py leaves out (THIRD_PARTY): this module is not one of its MATRICES.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mening_uyim.demo import Cast
from tests.access import ALL, LOGIN, Case, check
from tests.voting.admin_world import (
    CONSOLE_KEYS,
    national_inspector,
    sa_ballot,
    sa_election,
    sa_meeting,
    sa_meeting_ballot,
    tk_ballot,
    tk_election,
    tk_meeting,
    tk_meeting_ballot,
)

pytestmark = pytest.mark.django_db

KEYS = (*ALL, *CONSOLE_KEYS)

CONSOLE = {
    "default": 403,
    "anonymous": LOGIN,
    "inspector": 200,
    "other_inspector": 200,
    "national_inspector": 200,
    "admin": 200,
}
NOBODY = {"default": 403, "anonymous": LOGIN}
TASHKENT = {**CONSOLE, "other_inspector": 404}
SAMARKAND = {**CONSOLE, "inspector": 404}
# Writes: the console's login for those who may not enter it (it refuses them, 403, as
# the GET rows show); 403 for everyone inside, the administrator included.
REFUSED = {
    "default": LOGIN,
    "inspector": 403,
    "other_inspector": 403,
    "national_inspector": 403,
    "admin": 403,
}


@pytest.fixture(autouse=True)
def _national(cast: Cast) -> None:
    national_inspector(cast)


def _page(make: Callable[[Cast], object], model: str, suffix: str) -> Callable[[Cast], str]:
    return lambda c: f"/admin/voting/{model}/{make(c).pk}/{suffix}"  # type: ignore[attr-defined]


def _list(model: str, make: Callable[[Cast], object]) -> Callable[[Cast], str]:
    """A list, after ``make`` built its rows (so that a regional list has rows to hide)."""

    def url(c: Cast) -> str:
        make(c)
        return f"/admin/voting/{model}/"

    return url


def _elections(c: Cast) -> None:
    tk_election(c), sa_election(c)


def _meetings(c: Cast) -> None:
    tk_meeting(c), sa_meeting(c)


def _electorate(c: Cast) -> str:
    return f"/admin/voting/elector/?election__id__exact={tk_election(c).pk}"


def _elector(c: Cast) -> str:
    row = sa_election(c).electors.get()
    return f"/admin/voting/elector/{row.pk}/change/"


def _meeting_elector(c: Cast) -> str:
    row = sa_meeting(c).electors.get()
    return f"/admin/voting/meetingelector/{row.pk}/change/"


def _post(name: str, url: Callable[[Cast], str], data: dict[str, str]) -> Case:
    return Case(name, url, REFUSED, "post", data)


DELETE = {"post": "yes"}
ELECTION_EDIT = {"status": "closed", "outcome": "winner", "head_hash": "0" * 64, "_save": "1"}
BALLOT_EDIT = {"weight_units": "1", "receipt": "X", "_save": "1"}

# For every persona: the lists and both sides of the border, and the writes on them.
CASES = [
    Case("elections", _list("election", _elections), CONSOLE),
    Case("election in Tashkent", _page(tk_election, "election", "change/"), TASHKENT),
    Case("election in Samarkand", _page(sa_election, "election", "change/"), SAMARKAND),
    Case("meetings", _list("meeting", _meetings), CONSOLE),
    Case("meeting in Tashkent", _page(tk_meeting, "meeting", "change/"), TASHKENT),
    Case("meeting in Samarkand", _page(sa_meeting, "meeting", "change/"), SAMARKAND),
    Case("ballots", _list("ballot", _elections), CONSOLE),
    Case("ballot in Tashkent", _page(tk_ballot, "ballot", "change/"), TASHKENT),
    Case("ballot in Samarkand", _page(sa_ballot, "ballot", "change/"), SAMARKAND),
    _post("change an election", _page(tk_election, "election", "change/"), ELECTION_EDIT),
    _post("delete an election", _page(tk_election, "election", "delete/"), DELETE),
    _post("change a ballot", _page(tk_ballot, "ballot", "change/"), BALLOT_EDIT),
    _post("delete a ballot", _page(tk_ballot, "ballot", "delete/"), DELETE),
]

# The other pages, for the console's personas, and for one persona (the owner) of those
# whom the console's gate turns away (it asks nothing but is_staff, the inspector's role:
# the rows above show it answers them all alike).
FEW = ("anonymous", "owner", "inspector", "other_inspector", "national_inspector", "admin")
MORE_CASES = [
    Case("console index", lambda c: "/admin/voting/", CONSOLE),
    Case("election history", _page(sa_election, "election", "history/"), SAMARKAND),
    Case("electorate", _electorate, CONSOLE),
    Case("elector in Samarkand", _elector, SAMARKAND),
    Case("meeting electorate", _list("meetingelector", _meetings), CONSOLE),
    Case("meeting elector in Samarkand", _meeting_elector, SAMARKAND),
    Case("meeting ballots", _list("meetingballot", _meetings), CONSOLE),
    Case(
        "meeting ballot in Tashkent",
        _page(tk_meeting_ballot, "meetingballot", "change/"),
        TASHKENT,
    ),
    Case(
        "meeting ballot in Samarkand",
        _page(sa_meeting_ballot, "meetingballot", "change/"),
        SAMARKAND,
    ),
    # nothing is added or deleted, by anyone: not even the pages are shown
    Case("add an election", lambda c: "/admin/voting/election/add/", NOBODY),
    Case("add a ballot", lambda c: "/admin/voting/ballot/add/", NOBODY),
    Case("delete a ballot (page)", _page(tk_ballot, "ballot", "delete/"), NOBODY),
    _post("change an election elsewhere", _page(sa_election, "election", "change/"), ELECTION_EDIT),
    _post("add an election (POST)", lambda c: "/admin/voting/election/add/", ELECTION_EDIT),
    _post("delete a ballot elsewhere", _page(sa_ballot, "ballot", "delete/"), DELETE),
    _post("add a ballot (POST)", lambda c: "/admin/voting/ballot/add/", {"seq": "9"}),
    _post("change a meeting", _page(tk_meeting, "meeting", "change/"), {"status": "closed"}),
    _post("delete a meeting", _page(tk_meeting, "meeting", "delete/"), DELETE),
    _post(
        "change a meeting ballot",
        _page(tk_meeting_ballot, "meetingballot", "change/"),
        {"choices": "{}", "_save": "1"},
    ),
    _post(
        "delete a meeting ballot",
        _page(tk_meeting_ballot, "meetingballot", "delete/"),
        DELETE,
    ),
]

PAIRS = [(key, case) for case in CASES for key in KEYS] + [
    (key, case) for case in MORE_CASES for key in FEW
]


@pytest.mark.parametrize(("key", "case"), PAIRS, ids=[f"{c.name}-{k}" for k, c in PAIRS])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)
