"""Reads of elections, each scoped to the user who asks (an outsider gets 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.permissions import roles_of
from organizations.selectors import scorecards_of
from voting import policies
from voting.models import Ballot, Candidate, Election, ElectionStatus, Elector
from voting.tally import Tally, tally


def elections_visible_to(user: Any) -> QuerySet[Election]:
    return (
        Election.objects.filter(policies.election_scope_q(roles_of(user)))
        .select_related("lot", "winner")
        .order_by("-opened_at", "-pk")
    )


def election_for(user: Any, pk: int) -> Election:
    return get_object_or_404(elections_visible_to(user), pk=pk)


def election_for_voter(user: Any, pk: int) -> Election:
    """The election as its voter reaches it: a person of the electorate sees it by
    definition (voting.policies.election_scope_q), so one indexed lookup answers; anyone
    else goes through the full scope (404 for an outsider)."""
    person = roles_of(user).person
    if person is not None:
        found = (
            Election.objects.filter(
                pk=pk, pk__in=Elector.objects.filter(person=person).values("election_id")
            )
            .select_related("lot")
            .first()
        )
        if found is not None:
            return found
    return election_for(user, pk)


def board_for(user: Any, pk: int) -> Election:
    return get_object_or_404(
        Election.objects.filter(policies.board_q(roles_of(user))).select_related("lot"), pk=pk
    )


def phase(election: Election, at: dt.datetime | None = None) -> str:
    """nomination → voting → awaiting close → closed, read from the election's times."""
    at = at or timezone.now()
    if election.status == ElectionStatus.CLOSED:
        return "closed"
    if at < election.nomination_ends_at:
        return "nomination"
    if at < election.voting_ends_at:
        return "voting"
    return "awaiting_close"


@dataclass
class CandidateRow:
    candidate: Candidate
    card: dict[str, Any]
    weight: str | None  # shown after the close (or when interim results are public)


def candidates(election: Election, counted: Tally | None) -> list[CandidateRow]:
    rows = list(election.candidates.select_related("company").order_by("company__name"))
    cards = scorecards_of([c.company_id for c in rows])
    return [
        CandidateRow(
            c,
            cards.get(c.company_id, {}),
            counted.m2(counted.per_candidate.get(c.pk, 0)) if counted else None,
        )
        for c in rows
    ]


def results_public(election: Election) -> bool:
    return election.status == ElectionStatus.CLOSED or settings.VOTING_INTERIM_RESULTS_VISIBLE


def my_ballots(election: Election, user: Any) -> list[Ballot]:
    person = roles_of(user).person
    if person is None:
        return []
    return list(
        election.ballots.filter(person=person).select_related("candidate__company").order_by("-seq")
    )


def my_weight(election: Election, user: Any) -> int:
    person = roles_of(user).person
    if person is None:
        return 0
    return sum(
        Elector.objects.filter(election=election, person=person).values_list(
            "weight_units", flat=True
        )
    )


def figures(election: Election) -> dict[str, Any]:
    """Participation against the quorum, overall and per building (live while voting):
    the tally and one grouped query, whatever the size of the electorate. A person who
    cast any ballot has a counted (last) one, so "voted" is "has a ballot"."""
    counted = tally(election)
    voters = Ballot.objects.filter(election=election).values("person_id")
    buildings = (
        Elector.objects.filter(election=election)
        .order_by()
        .values("building_id", "building__address")
        .annotate(
            total=Sum("weight_units"),
            voted=Sum("weight_units", filter=Q(person_id__in=voters), default=0),
        )
    )
    total = counted.total_units or 1
    needed = counted.total_units * election.quorum_percent
    return {
        "tally": counted,
        "participating": counted.m2(counted.participating_units),
        "total": counted.m2(counted.total_units),
        "percent": round(100 * counted.participating_units / total, 1),
        "quorum_percent": election.quorum_percent,
        "quorum": counted.participating_units * 100 > needed,
        "buildings": sorted(
            (
                {
                    "address": row["building__address"],
                    "percent": round(100 * row["voted"] / (row["total"] or 1), 1),
                }
                for row in buildings
            ),
            key=lambda r: r["address"],
        ),
    }
