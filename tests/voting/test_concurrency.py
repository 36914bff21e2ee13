"""Ballots at the same moment, on PostgreSQL with real threads (issue 9, "Bad input")."""

from __future__ import annotations

from functools import partial

import pytest

from mening_uyim.demo import Cast
from tests.concurrency import race
from tests.voting.conftest import World
from voting.chain import chain_verify
from voting.models import Ballot
from voting.services import ballot_cast, candidate_apply, election_open
from voting.tally import tally

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_200_concurrent_ballots_of_one_owner_count_once(cast: Cast, world: World) -> None:
    from tests.voting.conftest import T0

    election = election_open(lot=world.lot, by=cast.users["council"], at=T0)
    ours = candidate_apply(election=election, company=cast.mc, by=cast.users["mc_director"], at=T0)
    theirs = candidate_apply(
        election=election, company=cast.rival_mc, by=cast.users["rival_mc"], at=T0
    )
    voter = world.voters["neighbour"]
    at = election.nomination_ends_at

    def ten_ballots(first: int) -> None:
        for i in range(first, first + 10):
            ballot_cast(election=election, voter=voter, candidate=ours if i % 2 else theirs, at=at)

    # 20 connections at once (the server's connection limit), 10 ballots each: 200 ballots
    outcomes = race(*(partial(ten_ballots, 10 * t) for t in range(20)))
    assert outcomes == ["ok"] * 20
    ballots = list(Ballot.objects.filter(election=election).order_by("seq"))
    assert [b.seq for b in ballots] == list(range(1, 201))
    assert chain_verify(election) == (True, None, "")
    counted = tally(election)
    assert counted.ballots_counted == 1
    last = ballots[-1]
    assert counted.per_candidate[last.candidate_id] == last.weight_units
    assert counted.participating_units == last.weight_units
