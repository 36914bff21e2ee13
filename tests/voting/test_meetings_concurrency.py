"""General meetings at the same moment, on PostgreSQL with real threads (ARCHITECTURE.md
"Concurrency"): every service that takes the meeting's row lock has its race here."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from mening_uyim.demo import Cast
from tests.concurrency import race
from tests.voting.conftest import T0, World
from tests.voting.test_meetings import CLEANING, LEASE, convene, estate, questions
from voting.chain import meeting_chain_verify
from voting.meeting_tally import meeting_tally
from voting.meetings import (
    MSG_NOT_DRAFT,
    MeetingError,
    meeting_ballot_cast,
    meeting_initiate,
    meeting_sign,
)
from voting.models import Meeting, MeetingBallot, MeetingSignature, MeetingStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
__all__ = ["estate"]  # the fixture, shared with test_meetings.py


def test_200_concurrent_ballots_of_one_owner_count_once(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, LEASE, CLEANING)
    lease, cleaning = questions(meeting)
    voter = world.voters["neighbour"]
    at = meeting.discussion_ends_at

    def ten_ballots(first: int) -> None:
        for i in range(first, first + 10):
            choice = "for" if i % 2 else "against"
            meeting_ballot_cast(
                meeting=meeting,
                voter=voter,
                choices={lease.pk: choice, cleaning.pk: "abstain"},
                at=at,
            )

    # 20 connections at once, 10 ballots each: 200 ballots
    outcomes = race(*(partial(ten_ballots, 10 * t) for t in range(20)))
    assert outcomes == ["ok"] * 20
    ballots = list(MeetingBallot.objects.filter(meeting=meeting).order_by("seq"))
    assert [b.seq for b in ballots] == list(range(1, 201))
    assert meeting_chain_verify(meeting) == (True, None, "")
    counted = meeting_tally(meeting)
    assert counted.ballots_counted == 1
    last = ballots[-1]
    assert counted.participating_units == last.weight_units
    if last.choices[str(lease.pk)] == "for":
        assert counted.questions[lease.pk].for_units == last.weight_units
    else:
        assert counted.questions[lease.pk].against_units == last.weight_units
    assert counted.questions[cleaning.pk].abstain_units == last.weight_units


def test_concurrent_signatures_open_the_initiative_exactly_once(estate: Any) -> None:
    e = estate("1", *(["100"] * 10))  # the drafter's 1 m²; each co-signer alone crosses 10 %
    meeting = meeting_initiate(
        building=e.building, by=e.owners[0], initiator="owners", agenda=[LEASE], at=T0
    )
    assert meeting.status == MeetingStatus.DRAFT
    late: list[str] = []

    def sign(user: Any) -> None:
        try:
            meeting_sign(meeting=meeting, by=user, at=T0)
        except MeetingError as exc:
            late.append(exc.message)

    outcomes = race(*(partial(sign, u) for u in e.owners[1:]))
    assert outcomes == ["ok"] * 10
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.status == MeetingStatus.OPEN
    assert meeting.electors.count() == 11  # one snapshot, not one per signer
    signed = MeetingSignature.objects.filter(meeting=meeting).count()
    assert signed + len(late) == 11  # the drafter and every co-signer: signed, or too late
    assert signed >= 2
    assert set(late) <= {str(MSG_NOT_DRAFT)}
