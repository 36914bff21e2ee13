"""General meetings (DOMAIN.md "General meeting"), their course: comments during the
discussion; ballots in the voting window, each answering every question once, refused
for a non-owner, a forged weight or another owner's apartment with the chain left as it
was; the last ballot counting; co-owners' shares; the close and its decisions. Clocks
are fixed at each boundary."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buildings.models import Ownership
from mening_uyim.demo import Cast
from tests.factories import PersonFactory
from tests.voting.conftest import T0, World, ownerships_end
from tests.voting.test_meetings import (
    CLEANING,
    LEASE,
    chain_ok,
    close,
    convene,
    questions,
    refused,
    retally,
    vote,
)
from voting import chain
from voting.meeting_selectors import passed_decisions
from voting.meeting_tally import meeting_tally
from voting.meetings import (
    MSG_ANSWERED_TWICE,
    MSG_BAD_CHOICE,
    MSG_CLOSED,
    MSG_DISCUSSION_OVER,
    MSG_FORGED_WEIGHT,
    MSG_MAY_NOT_CLOSE,
    MSG_NOT_ELECTOR,
    MSG_NOT_ON_AGENDA,
    MSG_NOT_OVER,
    MSG_NOT_VOTING_YET,
    MSG_NOT_YOUR_APARTMENT,
    MSG_UNANSWERED,
    MSG_VOTING_OVER,
    MeetingError,
    _local,
    meeting_ballot_cast,
    meeting_close,
    meeting_comment,
    meetings_due,
)
from voting.models import (
    Comment,
    Decision,
    MeetingBallot,
    MeetingElector,
    MeetingStatus,
    QuestionKind,
)

pytestmark = pytest.mark.django_db
US = dt.timedelta(microseconds=1)


# --- the discussion ------------------------------------------------------------------------


def test_electors_comment_during_the_discussion_only(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, LEASE)
    owner = world.voters["owner"]
    meeting_comment(meeting=meeting, by=owner, text=" Ijara narxi qancha? ", at=T0)
    end = meeting.discussion_ends_at
    assert end is not None
    meeting_comment(meeting=meeting, by=world.voters["third"], text="Rozi emasman", at=end - US)
    with pytest.raises(MeetingError) as exc:
        meeting_comment(meeting=meeting, by=owner, text="Kech qoldim", at=end)
    assert refused(exc, MSG_DISCUSSION_OVER % {"at": _local(end)})
    for key in ("outsider", "mc_director", "council"):
        with pytest.raises(MeetingError) as exc:
            meeting_comment(meeting=meeting, by=cast.users[key], text="Salom", at=T0)
        assert refused(exc, MSG_NOT_ELECTOR)
    with pytest.raises(MeetingError):
        meeting_comment(meeting=meeting, by=owner, text="   ", at=T0)
    assert list(Comment.objects.order_by("at").values_list("text", flat=True)) == [
        "Ijara narxi qancha?",
        "Rozi emasman",
    ]


# --- ballots -------------------------------------------------------------------------------


def test_ballots_are_accepted_only_inside_the_voting_window(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, LEASE)
    start, end = meeting.discussion_ends_at, meeting.voting_ends_at
    assert start is not None
    assert end is not None
    voter = world.voters["third"]
    with pytest.raises(MeetingError) as exc:
        vote(meeting, voter, "for", at=start - US)
    assert refused(exc, MSG_NOT_VOTING_YET % {"at": _local(start)})
    with pytest.raises(MeetingError) as exc:
        vote(meeting, voter, "for", at=end)
    assert refused(exc, MSG_VOTING_OVER % {"at": _local(end)})
    assert not MeetingBallot.objects.exists()
    vote(meeting, voter, "for", at=start)
    vote(meeting, voter, "against", at=end - US)
    assert MeetingBallot.objects.count() == 2


def test_a_ballot_answers_every_question_exactly_once(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, LEASE, CLEANING)
    first, second = questions(meeting)
    elsewhere = convene(cast, world.building, CLEANING)
    stranger = questions(elsewhere)[0]
    voter, at = world.voters["third"], meeting.discussion_ends_at
    cases: list[tuple[Any, Any]] = [
        ({first.pk: "for"}, MSG_UNANSWERED % {"numbers": "2"}),
        ({}, MSG_UNANSWERED % {"numbers": "1, 2"}),
        ([(first.pk, "for"), (str(first.pk), "against"), (second.pk, "for")], None),
        ({first.pk: "for", second.pk: "for", stranger.pk: "for"}, MSG_NOT_ON_AGENDA),
        ({first.pk: "for", second.pk: "yes"}, MSG_BAD_CHOICE % {"n": 2}),
        ({"x": "for", second.pk: "for"}, MSG_NOT_ON_AGENDA),
    ]
    for choices, message in cases:
        with pytest.raises(MeetingError) as exc:
            meeting_ballot_cast(meeting=meeting, voter=voter, choices=choices, at=at)
        expected = message if message is not None else MSG_ANSWERED_TWICE % {"n": 1}
        assert refused(exc, expected)
    assert not MeetingBallot.objects.exists()
    ballot = meeting_ballot_cast(
        meeting=meeting,
        voter=voter,
        choices=[(str(second.pk), "abstain"), (first.pk, "for")],
        at=at,
    )
    assert ballot.choices == {str(first.pk): "for", str(second.pk): "abstain"}


def test_bad_ballots_are_refused_and_leave_the_chain_unchanged(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, LEASE)
    vote(meeting, world.voters["third"], "for")
    before = list(MeetingBallot.objects.values_list("pk", "hash"))
    owner = world.voters["owner"]
    neighbours_flat = world.building.apartments.order_by("pk")[1]
    own_flat = world.building.apartments.order_by("pk")[0]
    for voter, kwargs, message in (
        (cast.users["outsider"], {}, MSG_NOT_ELECTOR),
        (cast.users["mc_director"], {}, MSG_NOT_ELECTOR),
        (owner, {"weight_units": 10**9}, MSG_FORGED_WEIGHT),
        (owner, {"weight_units": 0}, MSG_FORGED_WEIGHT),
        (
            owner,
            {"apartments": [own_flat, neighbours_flat]},
            MSG_NOT_YOUR_APARTMENT % {"number": neighbours_flat.number},
        ),
    ):
        with pytest.raises(MeetingError) as exc:
            vote(meeting, voter, "for", **kwargs)
        assert refused(exc, message)
    assert list(MeetingBallot.objects.values_list("pk", "hash")) == before
    assert chain_ok(meeting)
    weight = MeetingElector.objects.get(meeting=meeting, person=owner.person).weight_units
    ballot = vote(meeting, owner, "for", apartments=[own_flat], weight_units=weight)
    assert ballot.weight_units == weight


def test_the_last_ballot_of_an_owner_counts(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, LEASE, CLEANING)
    neighbour = world.voters["neighbour"]
    assert meeting.discussion_ends_at is not None
    vote(meeting, neighbour, "for", "for")
    vote(meeting, world.voters["third"], "for", "for")
    vote(meeting, neighbour, "against", "abstain", at=meeting.discussion_ends_at + US)
    counted = meeting_tally(meeting)
    lease, cleaning = (counted.questions[q.pk] for q in questions(meeting))
    assert (counted.m2(lease.for_units), counted.m2(lease.against_units)) == ("50", "50")
    assert (counted.m2(cleaning.for_units), counted.m2(cleaning.abstain_units)) == ("50", "50")
    assert counted.ballots_counted == 2
    assert counted.m2(counted.participating_units) == "100"
    assert MeetingBallot.objects.count() == 3  # all kept: the chain holds the history


def test_co_owners_vote_their_own_shares(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, CLEANING)
    ballot = vote(meeting, world.voters["owner"], "for")
    counted = meeting_tally(meeting)
    assert counted.m2(ballot.weight_units) == "25"  # half of flat 1's 50 m²
    vote(meeting, world.voters["co_owner"], "against")
    counted = meeting_tally(meeting)
    only = counted.questions[questions(meeting)[0].pk]
    assert (counted.m2(only.for_units), counted.m2(only.against_units)) == ("25", "25")


def test_three_co_owners_of_a_third_add_up_to_the_whole_flat(cast: Cast, world: World) -> None:
    flat = world.building.apartments.order_by("pk")[3]
    Ownership.objects.filter(apartment=flat).delete()
    people = [PersonFactory.create() for _ in range(3)]
    for p in people:
        Ownership.objects.create(
            apartment=flat,
            person=p,
            share_numerator=1,
            share_denominator=3,
            since=dt.date(2020, 1, 1),
        )
    meeting = convene(cast, world.building, CLEANING)
    assert meeting.weight_scale == 6
    for p in people:
        assert p.user is not None
        vote(meeting, p.user, "for")
    counted = meeting_tally(meeting)
    only = counted.questions[questions(meeting)[0].pk]
    assert counted.m2(only.for_units) == "50"  # exactly the flat's 50 m²
    assert counted.m2(counted.total_units) == "200"


def test_a_later_ownership_change_does_not_touch_an_open_meeting(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, CLEANING)
    total = meeting.total_weight_units
    neighbour = world.voters["neighbour"]
    ownerships_end(neighbour.person)
    meeting.refresh_from_db()
    assert meeting.total_weight_units == total
    assert vote(meeting, neighbour, "for").weight_units > 0


# --- closing -------------------------------------------------------------------------------


def test_a_meeting_closes_after_voting_by_a_party_of_it(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, CLEANING)
    end = meeting.voting_ends_at
    assert end is not None
    with pytest.raises(MeetingError) as exc:
        meeting_close(meeting=meeting, by=cast.users["council"], at=end - US)
    assert refused(exc, MSG_NOT_OVER % {"at": _local(end)})
    for key in ("other_council", "outsider", "rival_mc"):
        with pytest.raises(MeetingError) as exc:
            meeting_close(meeting=meeting, by=cast.users[key], at=end)
        assert refused(exc, MSG_MAY_NOT_CLOSE)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    meeting = meeting_close(meeting=meeting, by=world.voters["fourth"], at=end)  # an elector
    assert (meeting.status, meeting.closed_by) == (MeetingStatus.CLOSED, world.voters["fourth"])
    with pytest.raises(MeetingError) as exc:
        meeting_close(meeting=meeting, by=None, at=end)
    assert refused(exc, MSG_CLOSED)
    with pytest.raises(MeetingError) as exc:
        vote(meeting, world.voters["third"], "for", at=end - US)
    assert refused(exc, MSG_CLOSED)


def test_meetings_due_are_those_whose_voting_has_ended(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, CLEANING)
    assert meeting.voting_ends_at is not None
    assert meetings_due(meeting.voting_ends_at - US) == []
    assert meetings_due(meeting.voting_ends_at) == [meeting.pk]
    close(meeting)
    assert meetings_due(meeting.voting_ends_at) == []


def test_the_close_publishes_result_head_and_a_decision_per_question(
    cast: Cast, world: World
) -> None:
    meeting = convene(cast, world.building, LEASE, CLEANING)
    for key, lease, cleaning in (
        ("owner", "for", "for"),
        ("co_owner", "for", "against"),
        ("neighbour", "for", "for"),
        ("third", "for", "abstain"),
    ):
        vote(meeting, world.voters[key], lease, cleaning)
    # 150 of 200 m² participate; the lease has 150 ≥ 2/3 × 200; cleaning 75 of 150: not more
    meeting = close(meeting)
    lease_q, cleaning_q = questions(meeting)
    assert meeting.result["quorum"] is True
    assert meeting.result["participating_weight"] == "150"
    assert meeting.result["results"][str(lease_q.pk)] == {
        "rule": "qualified",
        "for": "150",
        "against": "0",
        "abstain": "0",
        "passed": True,
    }
    assert meeting.result["results"][str(cleaning_q.pk)]["passed"] is False
    last = MeetingBallot.objects.filter(meeting=meeting).order_by("-seq").first()
    assert last is not None
    assert meeting.head_hash == last.hash
    decisions = {d.question_id: d for d in Decision.objects.filter(meeting=meeting)}
    assert {q: d.passed for q, d in decisions.items()} == {lease_q.pk: True, cleaning_q.pk: False}
    assert decisions[lease_q.pk].kind == QuestionKind.LEASE
    report = retally(meeting)
    assert report["matches_published"] is True
    assert chain_ok(meeting)
    assert list(passed_decisions(world.building, QuestionKind.LEASE)) == [decisions[lease_q.pk]]
    assert not passed_decisions(world.building, QuestionKind.OTHER).exists()
    assert not passed_decisions(world.building, QuestionKind.CAPITAL_REPAIR).exists()


def test_a_meeting_without_ballots_closes_with_nothing_passed(cast: Cast, world: World) -> None:
    meeting = close(convene(cast, world.building, CLEANING))
    assert meeting.head_hash == chain.meeting_genesis(meeting.pk)
    assert meeting.result["quorum"] is False
    assert not Decision.objects.filter(passed=True).exists()
    assert retally(meeting)["matches_published"] is True
