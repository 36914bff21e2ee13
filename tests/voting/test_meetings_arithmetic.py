"""The arithmetic of a general meeting's close (DOMAIN.md "General meeting"), at its exact
boundaries: quorum is MORE than VOTING_QUORUM_PERCENT of the total weight; a simple
question needs MORE than half of the participating weight; a qualified one AT LEAST two
thirds of the TOTAL weight. Each building is built so that one weight unit (0.01 m²,
whole shares) decides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings

from mening_uyim.demo import Cast
from tests.voting.test_meetings import CLEANING, LEASE, close, convene, estate, retally, vote
from voting.meeting_tally import qualified_passes, quorum_reached, simple_passes
from voting.models import Decision, Meeting, QuestionKind

pytestmark = pytest.mark.django_db
__all__ = ["estate"]  # the fixture, shared with test_meetings.py


def _decided(meeting: Meeting) -> dict[str, bool]:
    """Question kind → passed, after the close."""
    return dict(
        Decision.objects.filter(meeting=meeting)
        .order_by("question__order")
        .values_list("kind", "passed")
    )


# --- the rules as integer comparisons -------------------------------------------------------


def test_qualified_is_at_least_two_thirds_of_the_total_in_integers() -> None:
    assert qualified_passes(200, 300)
    assert not qualified_passes(199, 300)
    assert qualified_passes(134, 200)  # 2/3 of 200 is 133.33…: 134 is the least that passes
    assert not qualified_passes(133, 200)
    # no float ever: beyond 2**53 units (10,000 m² with shares whose denominators have an
    # lcm of 3 × 10**9) a float's 2/3 lets one unit less pass
    total = 3 * 10**16 + 3
    assert qualified_passes(2 * 10**16 + 2, total)
    assert not qualified_passes(2 * 10**16 + 1, total)


def test_simple_is_more_than_half_of_the_participating() -> None:
    assert not simple_passes(100, 200)
    assert simple_passes(101, 200)
    assert simple_passes(2, 3)
    assert not simple_passes(0, 0)


def test_quorum_is_more_than_the_percent_of_the_total() -> None:
    assert not quorum_reached(100, 200, 50)
    assert quorum_reached(101, 200, 50)
    assert not quorum_reached(0, 0, 50)


# --- qualified questions at the meeting ---------------------------------------------------


def test_exactly_two_thirds_of_the_total_passes_a_qualified_question(
    cast: Cast, estate: Any
) -> None:
    e = estate("100", "100", "100")
    meeting = convene(cast, e.building, LEASE)
    vote(meeting, e.owners[0], "for")
    vote(meeting, e.owners[1], "for")
    vote(meeting, e.owners[2], "against")  # for 20000 of 30000 units: exactly 2/3
    assert _decided(close(meeting)) == {QuestionKind.LEASE: True}


def test_one_unit_less_than_two_thirds_fails_a_qualified_question(cast: Cast, estate: Any) -> None:
    e = estate("100", "99.99", "100.01")
    meeting = convene(cast, e.building, LEASE, CLEANING)
    vote(meeting, e.owners[0], "for", "for")
    vote(meeting, e.owners[1], "for", "for")
    vote(meeting, e.owners[2], "against", "against")  # for 19999 of 30000 units
    meeting = close(meeting)
    assert _decided(meeting) == {QuestionKind.LEASE: False, QuestionKind.OTHER: True}
    assert retally(meeting)["matches_published"] is True


def test_a_qualified_question_counts_the_total_not_the_participating(
    cast: Cast, estate: Any
) -> None:
    e = estate("100", "100", "100", "100")
    meeting = convene(cast, e.building, LEASE, CLEANING)
    vote(meeting, e.owners[0], "for", "for")
    vote(meeting, e.owners[1], "for", "for")
    vote(meeting, e.owners[2], "against", "against")  # the fourth stays away
    # 200 of the 300 m² participating are for: 2/3 of them, but only half of the total
    assert _decided(close(meeting)) == {QuestionKind.LEASE: False, QuestionKind.OTHER: True}


# --- simple questions ----------------------------------------------------------------------


def test_exactly_half_of_the_participating_fails_a_simple_question(cast: Cast, estate: Any) -> None:
    e = estate("100", "50", "50", "1")  # the 1 m² flat stays away: quorum for any setting
    meeting = convene(cast, e.building, CLEANING)
    vote(meeting, e.owners[0], "for")
    vote(meeting, e.owners[1], "against")
    vote(meeting, e.owners[2], "abstain")  # an abstention participates
    meeting = close(meeting)
    assert meeting.result["quorum"] is True
    assert _decided(meeting) == {QuestionKind.OTHER: False}


def test_one_unit_more_than_half_of_the_participating_passes_a_simple_question(
    cast: Cast, estate: Any
) -> None:
    e = estate("100.01", "50", "49.99", "1")
    meeting = convene(cast, e.building, CLEANING)
    vote(meeting, e.owners[0], "for")  # 10001 of 20000 participating units
    vote(meeting, e.owners[1], "against")
    vote(meeting, e.owners[2], "abstain")
    assert _decided(close(meeting)) == {QuestionKind.OTHER: True}


# --- quorum --------------------------------------------------------------------------------


def _quorum_estate(estate: Any, extra: str) -> Any:
    """Two flats of a 100 m² building: the voter's holds q % of it (+ ``extra`` m²)."""
    q = Decimal(settings.VOTING_QUORUM_PERCENT)
    return estate(str(q + Decimal(extra)), str(100 - q - Decimal(extra)))


def test_exactly_the_quorum_percent_is_no_quorum_and_nothing_passes(
    cast: Cast, estate: Any
) -> None:
    e = _quorum_estate(estate, "0")
    meeting = convene(cast, e.building, CLEANING)
    vote(meeting, e.owners[0], "for")  # unanimous among participants, yet…
    meeting = close(meeting)
    assert meeting.result["quorum"] is False
    assert _decided(meeting) == {QuestionKind.OTHER: False}
    assert retally(meeting)["matches_published"] is True


def test_one_unit_above_the_quorum_percent_is_a_quorum(cast: Cast, estate: Any) -> None:
    e = _quorum_estate(estate, "0.01")
    meeting = convene(cast, e.building, CLEANING)
    vote(meeting, e.owners[0], "for")
    meeting = close(meeting)
    assert meeting.result["quorum"] is True
    assert _decided(meeting) == {QuestionKind.OTHER: True}


def test_the_quorum_is_the_configured_percent(cast: Cast, estate: Any, settings: Any) -> None:
    settings.VOTING_QUORUM_PERCENT = 60
    e = estate("60", "40")
    meeting = convene(cast, e.building, CLEANING)
    assert meeting.quorum_percent == 60
    vote(meeting, e.owners[0], "for")
    settings.VOTING_QUORUM_PERCENT = 10  # a later change does not touch an open meeting
    assert close(meeting).result["quorum"] is False
