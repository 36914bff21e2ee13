"""Reads of general meetings.

- ``passed_decisions`` answers another app's service about a building ("may this lease be
  registered?"; DOMAIN.md: "Decisions can conclude contracts, for example approving a
  lease"), so it is not scoped by a login.
- Everything else reaches a user and is scoped through voting.policies (an outsider gets
  404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.permissions import roles_of
from voting import policies
from voting.meeting_tally import MeetingTally, meeting_tally
from voting.meetings import voter_weight
from voting.models import (
    Decision,
    Meeting,
    MeetingBallot,
    MeetingStatus,
    Question,
    QuestionKind,
)


def passed_decisions(building: Any, kind: str | QuestionKind) -> QuerySet[Decision]:
    """The passed decisions of ``building``'s general meetings on questions of ``kind``,
    the latest first; a contract refers to one by its stable ``uid``."""
    return (
        Decision.objects.filter(building_id=building.pk, kind=str(kind), passed=True)
        .select_related("question", "meeting")
        .order_by("-decided_at", "-pk")
    )


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(policies.meeting_scope_q(roles_of(user)))
        .select_related("building")
        .order_by("-created_at", "-pk")
    )


def meeting_for(user: Any, pk: int) -> Meeting:
    return get_object_or_404(meetings_visible_to(user), pk=pk)


def meeting_board_for(user: Any, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.filter(policies.meeting_board_q(roles_of(user))).select_related("building"),
        pk=pk,
    )


def meeting_phase(meeting: Meeting, at: dt.datetime | None = None) -> str:
    """signatures → discussion → voting → awaiting close → closed, read from the times."""
    at = at or timezone.now()
    if meeting.status == MeetingStatus.DRAFT:
        return "signatures"
    if meeting.status == MeetingStatus.CLOSED:
        return "closed"
    assert meeting.discussion_ends_at is not None
    assert meeting.voting_ends_at is not None
    if at < meeting.discussion_ends_at:
        return "discussion"
    if at < meeting.voting_ends_at:
        return "voting"
    return "awaiting_close"


def meeting_results_public(meeting: Meeting) -> bool:
    """Interim results stay hidden until the close (VOTING_INTERIM_RESULTS_VISIBLE)."""
    return meeting.status == MeetingStatus.CLOSED or settings.VOTING_INTERIM_RESULTS_VISIBLE


@dataclass
class MeetingFigures:
    """Participation against the quorum (one building: no breakdown)."""

    tally: MeetingTally
    participating: str
    total: str
    percent: float
    quorum_percent: int
    quorum: bool


def meeting_figures(meeting: Meeting) -> MeetingFigures:
    counted = meeting_tally(meeting)
    total = counted.total_units or 1
    return MeetingFigures(
        tally=counted,
        participating=counted.m2(counted.participating_units),
        total=counted.m2(counted.total_units),
        percent=round(100 * counted.participating_units / total, 1),
        quorum_percent=counted.quorum_percent,
        quorum=counted.quorum,
    )


@dataclass
class QuestionRow:
    question: Question
    counts: dict[str, Any] | None  # for / against / abstain in m² and "passed", when public


def agenda(meeting: Meeting, results: dict[str, Any] | None) -> list[QuestionRow]:
    """The agenda, each question with its counts from ``results`` (a tally's
    ``as_dict()["results"]``, or the published result of a closed meeting) where given."""
    return [
        QuestionRow(question, (results or {}).get(str(question.pk)))
        for question in meeting.questions.order_by("order")
    ]


def results_for(meeting: Meeting, live: MeetingFigures | None) -> dict[str, Any] | None:
    """What the agenda may show: the published result once closed; the live tally while
    open only where interim results are public; nothing otherwise."""
    if meeting.status == MeetingStatus.CLOSED:
        return dict(meeting.result.get("results") or {})
    if live is not None and meeting_results_public(meeting):
        return dict(live.tally.as_dict()["results"])
    return None


def my_meeting_ballots(meeting: Meeting, user: Any) -> list[MeetingBallot]:
    person = roles_of(user).person
    if person is None:
        return []
    return list(meeting.ballots.filter(person=person).order_by("-seq"))


def my_meeting_weight(meeting: Meeting, user: Any) -> int:
    person = roles_of(user).person
    if person is None:
        return 0
    return voter_weight(meeting, person)
