"""`seed_demo` gives every persona a working voting example (mening_uyim.demo_voting and
demo_lots.demo_second_lot_ensure), and a second run adds no row. The world is the demo's
at a small scale (tests/demo_world.py).
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from buildings.models import Building, Ownership
from lots.models import AmendmentStatus, Lot, LotStatus, ProgramAmendment
from mening_uyim.demo import DEMO_A, Cast
from tests.demo_world import page_as, row_counts
from voting.meeting_selectors import passed_decisions
from voting.meetings import initiative_reached, initiative_weight, meeting_ballot_cast, meeting_sign
from voting.models import (
    Ballot,
    Election,
    ElectionStatus,
    Meeting,
    MeetingBallot,
    MeetingInitiator,
    MeetingSignature,
    MeetingStatus,
    Outcome,
    QuestionKind,
)

pytestmark = pytest.mark.django_db


def _seed() -> str:
    err = StringIO()
    call_command("seed_demo", "--json", stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_seed_demo_gives_every_persona_a_voting_example_once(
    cast: Cast, demo_world: tuple[Lot, Lot]
) -> None:
    lot, second = demo_world
    said = _seed()
    rows = row_counts(("accounts", "lots", "voting"), [Ownership])
    assert _seed() == ""  # a second run: nothing to say, and no row more
    assert row_counts(("accounts", "lots", "voting"), [Ownership]) == rows
    assert "Traceback" not in said

    # 1. The personas' lot: a closed election, quorum, the personas' MC manages it.
    lot.refresh_from_db()
    election = Election.objects.get(lot=lot)
    assert election.status == ElectionStatus.CLOSED
    assert election.outcome == Outcome.WINNER
    assert election.winner == cast.mc
    assert election.closed_by == cast.users["council"]
    assert election.closed_at == election.voting_ends_at < timezone.now()
    assert election.result["quorum"] is True
    assert lot.status == LotStatus.MANAGED
    assert lot.manager == cast.mc
    assert set(election.candidates.values_list("company", flat=True)) == {
        cast.mc.pk,
        cast.rival_mc.pk,
    }
    retally = StringIO()
    call_command("retally", "election", str(election.pk), "--json", stdout=retally)
    assert json.loads(retally.getvalue())["matches_published"] is True
    for key in ("owner", "co_owner", "neighbour"):
        assert election.ballots.filter(person=cast.users[key].person).exists(), key
    assert election.ballots.filter(candidate__company=cast.rival_mc).exists()
    voters_without_persona = Ballot.objects.filter(
        election=election, person__pinfl__startswith="3010190"
    )
    assert voters_without_persona.exists()  # owners with no login got one to vote
    owner = cast.users["owner"]
    receipt = election.ballots.get(person=owner.person).receipt
    assert receipt in page_as(owner, f"/voting/elections/{election.pk}/board/")
    client = Client()
    client.force_login(owner)
    protocol = client.get(f"/voting/elections/{election.pk}/protocol.pdf")
    assert protocol.status_code == 200
    assert protocol["Content-Type"] == "application/pdf"

    # 2. A second approved lot, whose election the other_council persona can open; the
    # amendment still awaits the Yunusobod council on the managed lot.
    second.refresh_from_db()
    assert second.status == LotStatus.APPROVED
    other_council = cast.users["other_council"]
    assert f"/voting/lots/{second.pk}/open/" in page_as(other_council, f"/lots/{second.pk}/")
    amendment = ProgramAmendment.objects.get(lot=lot)
    assert amendment.status == AmendmentStatus.OPEN
    decide = f"/lots/{lot.pk}/amendments/{amendment.pk}/decide/"
    assert decide in page_as(cast.users["council"], f"/lots/{lot.pk}/")

    # 3. An open meeting of building A in its voting window; the personas have not voted.
    building = Building.objects.get(cadastral_number=DEMO_A)
    meetings = Meeting.objects.filter(building=building)
    now = timezone.now()
    open_meeting = meetings.get(initiator=MeetingInitiator.MC)
    assert open_meeting.status == MeetingStatus.OPEN
    assert open_meeting.initiated_by == cast.users["mc_director"]
    assert open_meeting.discussion_ends_at is not None
    assert open_meeting.voting_ends_at is not None
    assert open_meeting.discussion_ends_at <= now < open_meeting.voting_ends_at
    assert 2 <= open_meeting.questions.count() <= 4
    assert open_meeting.questions.filter(kind=QuestionKind.LEASE).exists()
    assert any("ʻ" in c for c in open_meeting.comments.values_list("text", flat=True))
    assert open_meeting.ballots.exists()
    personas = [cast.users[k].person for k in ("owner", "co_owner")]
    assert not open_meeting.ballots.filter(person__in=personas).exists()

    # 4. A closed meeting with a passed qualified lease (and a failed capital repair).
    closed = meetings.get(initiator=MeetingInitiator.COUNCIL)
    assert closed.status == MeetingStatus.CLOSED
    assert closed.closed_by is None  # the beat task's path
    assert closed.result["quorum"] is True
    assert list(passed_decisions(building, QuestionKind.LEASE)) == [
        closed.decisions.get(kind=QuestionKind.LEASE)
    ]
    assert closed.decisions.filter(kind=QuestionKind.CAPITAL_REPAIR, passed=False).exists()
    assert closed.ballots.filter(person=owner.person).exists()

    # 5. An owners' initiative that the owner persona can co-sign; it stays below the
    # threshold with the owner persona's signature.
    initiative = meetings.get(initiator=MeetingInitiator.OWNERS)
    assert initiative.status == MeetingStatus.DRAFT
    assert not MeetingSignature.objects.filter(meeting=initiative, person__in=personas).exists()
    signed, total = initiative_weight(initiative)
    assert signed > 0
    assert not initiative_reached(signed, total, initiative.initiative_percent or 0)

    # The personas act now: the owners vote in the open meeting, the owner signs, the
    # other council opens the second lot's election.
    questions = open_meeting.questions.values_list("pk", flat=True)
    for key in ("owner", "co_owner"):
        meeting_ballot_cast(
            meeting=open_meeting, voter=cast.users[key], choices=dict.fromkeys(questions, "for")
        )
    assert MeetingBallot.objects.filter(meeting=open_meeting, person__in=personas).count() == 2
    meeting_sign(meeting=initiative, by=owner)
    initiative.refresh_from_db()
    assert initiative.status == MeetingStatus.DRAFT
    client.force_login(other_council)
    client.post(f"/voting/lots/{second.pk}/open/")
    assert Election.objects.filter(lot=second, status=ElectionStatus.OPEN).exists()
