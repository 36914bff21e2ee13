"""The voting pages of the inspection console (voting/admin.py): read-only for everyone,
the administrator included; region by region; ballots never shown or reached by person.
The persona matrix of these pages is tests/voting/test_admin_access.py."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from mening_uyim.demo import Cast
from tests.access import snapshot
from tests.voting.admin_world import (
    SA_LOT,
    TK_LOT,
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
from voting.meetings import meeting_ballot_cast, meeting_close
from voting.models import Ballot, Election, Meeting, MeetingBallot, Outcome
from voting.services import ballot_cast, election_close, interim_appoint

pytestmark = pytest.mark.django_db

VOTING_ADMINS = [a for m, a in admin.site._registry.items() if m._meta.app_label == "voting"]


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", html.decode())


# --- read-only, for everyone --------------------------------------------------------------


@pytest.mark.parametrize("model_admin", VOTING_ADMINS, ids=lambda a: a.model.__name__)
def test_nothing_is_writable_even_for_the_administrator(cast: Cast, model_admin: object) -> None:
    request = RequestFactory().get("/admin/")
    request.user = cast.users["admin"]
    ma: admin.ModelAdmin = model_admin  # type: ignore[assignment]
    assert not ma.has_add_permission(request)
    assert not ma.has_change_permission(request)
    assert not ma.has_delete_permission(request)
    assert ma.get_actions(request) == {}
    for inline in ma.get_inline_instances(request):
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)


@pytest.mark.parametrize("model", ["election", "ballot", "meeting", "meetingballot", "elector"])
def test_a_bulk_delete_is_not_offered_and_changes_nothing(
    client: Client, cast: Cast, model: str
) -> None:
    row = {
        "election": tk_election,
        "ballot": tk_ballot,
        "meeting": tk_meeting,
        "meetingballot": tk_meeting_ballot,
        "elector": lambda c: tk_election(c).electors.order_by("pk")[0],
    }[model](cast)
    client.force_login(cast.users["admin"])
    page = client.get(f"/admin/voting/{model}/")
    assert page.status_code == 200
    assert b'name="action"' not in page.content
    assert b"delete_selected" not in page.content
    before = snapshot()
    response = client.post(
        f"/admin/voting/{model}/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert response.status_code == 200  # the list again: there is no such action
    assert snapshot() == before


# --- ballot secrecy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "make"), [("ballot", tk_ballot), ("meetingballot", tk_meeting_ballot)]
)
def test_a_ballot_is_shown_by_voter_reference_never_by_person(
    client: Client, cast: Cast, model: str, make: object
) -> None:
    ballot: Ballot | MeetingBallot = make(cast)  # type: ignore[operator]
    person = ballot.person
    client.force_login(cast.users["admin"])
    for url in (f"/admin/voting/{model}/", f"/admin/voting/{model}/{ballot.pk}/change/"):
        html = _text(client.get(url).content)
        assert ballot.voter_ref in html
        assert ballot.receipt in html
        assert ballot.hash in html
        assert person.full_name not in html
        assert person.pinfl not in html
        assert f"/admin/accounts/person/{person.pk}/" not in html


@pytest.mark.parametrize("model", ["ballot", "meetingballot"])
@pytest.mark.parametrize("key", ["inspector", "admin"])
def test_ballots_cannot_be_filtered_by_person(
    client: Client, cast: Cast, model: str, key: str
) -> None:
    tk_ballot(cast), tk_meeting_ballot(cast)
    person = cast.users["owner"].person
    client.force_login(cast.users[key])
    for lookup in (
        f"person={person.pk}",
        f"person_id={person.pk}",
        f"person_id__exact={person.pk}",
        f"person__id__exact={person.pk}",
        f"person__pinfl={person.pinfl}",
        f"person__in={person.pk}",
    ):
        response = client.get(f"/admin/voting/{model}/?{lookup}")
        assert response.status_code == 400, lookup


@pytest.mark.parametrize(
    ("model", "make"), [("ballot", tk_ballot), ("meetingballot", tk_meeting_ballot)]
)
def test_ballots_are_not_searched_by_person(
    client: Client, cast: Cast, model: str, make: object
) -> None:
    ballot: Ballot | MeetingBallot = make(cast)  # type: ignore[operator]
    client.force_login(cast.users["admin"])
    for term in (ballot.person.pinfl, ballot.person.full_name):
        html = client.get(f"/admin/voting/{model}/", {"q": term}).content.decode()
        assert ballot.receipt not in html, term
    found = client.get(f"/admin/voting/{model}/", {"q": ballot.receipt}).content.decode()
    assert ballot.voter_ref in found


def test_deleting_a_voter_does_not_list_their_ballots(client: Client, cast: Cast) -> None:
    """The administrator's delete page of a person lists the rows that point at them,
    unless some of them may not be deleted: then it names only their kinds. Ballots (and
    the electorate, and ownerships) may never be deleted, so no ballot is named there."""
    ballot, meeting_ballot = tk_ballot(cast), tk_meeting_ballot(cast)
    client.force_login(cast.users["admin"])
    html = _text(client.get(f"/admin/accounts/person/{ballot.person.pk}/delete/").content)
    for row in (ballot, meeting_ballot):
        assert str(row) not in html
        assert row.receipt not in html
    assert f"/admin/voting/ballot/{ballot.pk}/change/" not in html
    assert f"/admin/voting/meetingballot/{meeting_ballot.pk}/change/" not in html


# --- scope ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "tashkent", "samarkand"),
    [
        ("inspector", True, False),
        ("other_inspector", False, True),
        ("national_inspector", True, True),
        ("admin", True, True),
    ],
)
def test_each_inspector_lists_the_rows_of_their_region(
    client: Client, cast: Cast, key: str, tashkent: bool, samarkand: bool
) -> None:
    national_inspector(cast)
    change = "/admin/voting/{}/{}/change/"
    tk_m, sa_m = tk_meeting(cast), sa_meeting(cast)
    marks = {
        "election": (
            change.format("election", tk_election(cast).pk),
            change.format("election", sa_election(cast).pk),
        ),
        "ballot": (tk_ballot(cast).receipt, sa_ballot(cast).receipt),
        "elector": (TK_LOT, SA_LOT),
        "meeting": (change.format("meeting", tk_m.pk), change.format("meeting", sa_m.pk)),
        "meetingballot": (tk_meeting_ballot(cast).receipt, sa_meeting_ballot(cast).receipt),
        "meetingelector": (
            cast.users["owner"].person.full_name,
            cast.users["outsider"].person.full_name,
        ),
    }
    client.force_login(cast.users[key])
    for model, (tk_mark, sa_mark) in marks.items():
        html = client.get(f"/admin/voting/{model}/").content.decode()
        assert (tk_mark in html) is tashkent, (model, "Tashkent")
        assert (sa_mark in html) is samarkand, (model, "Samarkand")


# --- what the pages show --------------------------------------------------------------------


def test_a_closed_election_shows_result_head_outcome_candidates_and_appointment(
    client: Client, cast: Cast
) -> None:
    """Without quorum twice (one half-flat of three electors voted), the council appoints
    an interim company: the page shows it all, read from the services' records."""
    election = tk_election(cast)
    council = cast.users["council"]
    election = election_close(election=election, by=council, at=election.voting_ends_at)
    election = election_close(election=election, by=council, at=election.voting_ends_at)
    assert election.outcome == Outcome.NO_QUORUM
    interim_appoint(election=election, company=cast.rival_mc, by=council, reason="Vaqtincha")
    election.refresh_from_db()
    client.force_login(cast.users["inspector"])
    html = _text(client.get(f"/admin/voting/election/{election.pk}/change/").content)
    assert election.head_hash in html
    assert f'href="/admin/lots/lot/{election.lot_id}/change/"' in html
    assert "&quot;participating_weight&quot;" in html  # the published result
    assert cast.mc.name in html  # the candidate
    assert cast.rival_mc.name in html  # the interim company
    assert "Vaqtincha" in html
    assert f'href="/admin/voting/ballot/?election__id__exact={election.pk}"' in html
    assert f'href="/admin/voting/elector/?election__id__exact={election.pk}"' in html
    assert client.get(f"/admin/voting/election/?outcome={Outcome.NO_QUORUM}").status_code == 200


def test_a_closed_meeting_shows_agenda_decisions_and_signatures(client: Client, cast: Cast) -> None:
    meeting = sa_meeting(cast)
    assert meeting.voting_ends_at is not None
    meeting = meeting_close(meeting=meeting, by=None, at=meeting.voting_ends_at)
    decision = meeting.decisions.get()
    client.force_login(cast.users["other_inspector"])
    html = _text(client.get(f"/admin/voting/meeting/{meeting.pk}/change/").content)
    assert meeting.head_hash in html
    assert meeting.questions.get().text.replace("'", "&#x27;") in html
    assert str(decision.uid) in html
    assert cast.users["outsider"].person.full_name in html  # the initiative's signatory
    assert f'href="/admin/buildings/building/{meeting.building_id}/change/"' in html


# --- queries --------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_ballot_lists_cost_the_same_as_they_grow(client: Client, cast: Cast) -> None:
    election, meeting = tk_election(cast), tk_meeting(cast)
    client.force_login(cast.users["inspector"])
    urls = ["/admin/voting/ballot/", "/admin/voting/meetingballot/", "/admin/voting/elector/"]
    client.get(
        urls[0]
    )  # the roles are cached across requests (accounts.permissions): count a warm request
    few = [_queries(client, url) for url in urls]
    question = meeting.questions.get()
    for key in ("owner", "co_owner", "neighbour", "owner", "co_owner"):
        ballot_cast(election=election, voter=cast.users[key], candidate=election.candidates.get())
        if key != "neighbour":  # building B's owner is not in building A's meeting
            meeting_ballot_cast(
                meeting=meeting, voter=cast.users[key], choices={question.pk: "against"}
            )
    assert Ballot.objects.filter(election=election).count() == 6
    assert [_queries(client, url) for url in urls] == few


def test_the_models_are_those_of_the_console() -> None:
    registered = {a.model for a in VOTING_ADMINS}
    assert {Election, Ballot, Meeting, MeetingBallot} <= registered


@pytest.mark.parametrize("key", ["owner", "mc_director", "council"])
def test_a_write_from_outside_the_console_ends_in_a_refusal(
    client: Client, cast: Cast, key: str
) -> None:
    """The console sends a login it does not admit to its login page, which refuses it."""
    ballot = tk_ballot(cast)
    client.force_login(cast.users[key])
    before = snapshot()
    response = client.post(
        f"/admin/voting/ballot/{ballot.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 403
    assert response.redirect_chain[0][0].startswith("/admin/login/")
    assert snapshot() == before
