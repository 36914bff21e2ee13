"""Reads of elections, each scoped to the user who asks (an outsider gets 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.permissions import roles_of
from organizations.models import ManagementCompany
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


# The candidate of the ballot's hot path, in hand-written SQL: building the same lookup
# with the ORM (a scoped subquery, three models) costs ten times what the database spends
# on it, and this is one query of every ballot cast through the API (bench/ballots.py).
CANDIDATE_FOR_VOTER_SQL = """
SELECT candidate.id, candidate.company_id, company.name
FROM voting_candidate AS candidate
JOIN organizations_managementcompany AS company ON company.id = candidate.company_id
WHERE candidate.id = %s AND candidate.election_id = %s AND {electorate}
"""


def candidate_for_voter(user: Any, pk: int, candidate_pk: int) -> Candidate | None:
    """Candidate ``candidate_pk`` of election ``pk`` as a voter of its electorate reaches
    it (voting.policies.electorate_q), in one indexed lookup; None for anyone else, or for
    a company that does not stand there: the caller then answers through the full scope
    (``election_for``: 404 for an outsider). The candidate comes with its company's name
    and with its election by id only (both otherwise deferred): the ballot's service
    reads the election again under its lock."""
    electorate, params = policies.electorate_sql(user, "candidate.election_id")
    with connection.cursor() as cursor:
        cursor.execute(
            CANDIDATE_FOR_VOTER_SQL.format(electorate=electorate), [candidate_pk, pk, *params]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    candidate_id, company_id, company_name = row
    db = connection.alias
    candidate = Candidate.from_db(
        db, ["id", "election_id", "company_id"], [candidate_id, pk, company_id]
    )
    candidate.election = Election.from_db(db, ["id"], [pk])
    candidate.company = ManagementCompany.from_db(db, ["id", "name"], [company_id, company_name])
    return candidate


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
