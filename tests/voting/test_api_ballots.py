"""The ballot API (POST /api/v1/elections/<id>/ballots/): a voter of the electorate is
answered through one lookup (voting.selectors.candidate_for_voter); everyone else through
the full scope, with the same answers as before: 404 for whom the election is hidden, then
the body's errors, then the service's refusals. Nothing is written by a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from buildings.models import Ownership
from lots.models import Lot
from mening_uyim.demo import Cast
from tests.access import snapshot
from tests.factories import PersonFactory
from tests.voting.conftest import World
from voting import selectors
from voting.models import Ballot, Candidate, Election, Elector
from voting.services import (
    MSG_FORGED_WEIGHT,
    MSG_NOT_CANDIDATE,
    MSG_NOT_ELECTOR,
    MSG_NOT_VOTING_YET,
    candidate_apply,
    election_open,
)

pytestmark = pytest.mark.django_db


def _voting_now(cast: Cast, world: World) -> Election:
    opened = timezone.now() - dt.timedelta(days=settings.VOTING_NOMINATION_DAYS + 1)
    election = election_open(lot=world.lot, by=cast.users["council"], at=opened)
    candidate_apply(election=election, company=cast.mc, by=cast.users["mc_director"], at=opened)
    candidate_apply(election=election, company=cast.rival_mc, by=cast.users["rival_mc"], at=opened)
    return election


def _stranger(cast: Cast) -> Candidate:
    """A candidate of another lot's election."""
    now = timezone.now()
    other = Election.objects.create(
        lot=Lot.objects.create(code="UZ-TK-852", region=cast.region),
        opened_at=now,
        nomination_ends_at=now,
        voting_ends_at=now + dt.timedelta(days=1),
        quorum_percent=50,
    )
    return Candidate.objects.create(election=other, company=cast.mc, applied_at=now)


def _post(client: Client, user: User | None, election: Election, body: dict[str, Any]) -> Any:
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    return client.post(
        f"/api/v1/elections/{election.pk}/ballots/",
        body,
        content_type="application/json",
        headers=headers,
    )


def test_a_voter_casts_the_weight_of_every_share_they_hold_in_the_lot(
    client: Client, cast: Cast, world: World
) -> None:
    flat = world.building.apartments.order_by("pk")[3]  # the fourth owner's 50 m²
    Ownership.objects.filter(apartment=flat).update(share_numerator=1, share_denominator=2)
    Ownership.objects.create(
        apartment=flat,
        person=world.voters["third"].person,
        share_numerator=1,
        share_denominator=2,
        since=dt.date(2020, 1, 1),
    )
    election = _voting_now(cast, world)
    candidate = election.candidates.get(company=cast.mc)
    response = _post(client, world.voters["third"], election, {"candidate": candidate.pk})
    assert response.status_code == 201, response.content
    assert response.json()["weight_m2"] == "75"  # flat 3 whole and half of flat 4
    assert response.json()["candidate"] == cast.mc.name
    ballot = Ballot.objects.get(receipt=response.json()["receipt"])
    assert ballot.person == world.voters["third"].person
    assert ballot.candidate == candidate
    assert ballot.seq == 1


@pytest.mark.parametrize(
    ("key", "body", "status", "detail"),
    [
        ("outsider", "ours", 404, None),
        ("outsider", "none", 404, None),  # the scope answers before the body
        ("council", "ours", 400, MSG_NOT_ELECTOR),  # sees the election, is not its electorate
        ("mc_director", "ours", 400, MSG_NOT_ELECTOR),
        ("owner", "stranger", 400, MSG_NOT_CANDIDATE),
        ("council", "stranger", 400, MSG_NOT_CANDIDATE),
        ("owner", "none", 400, None),
        ("owner", "zero", 400, None),
        ("owner", "forged", 400, MSG_FORGED_WEIGHT),
        (None, "ours", 401, None),
    ],
)
def test_a_refused_ballot_answers_as_before_and_changes_nothing(
    client: Client,
    cast: Cast,
    world: World,
    key: str | None,
    body: str,
    status: int,
    detail: Any,
) -> None:
    election = _voting_now(cast, world)
    ours = election.candidates.get(company=cast.mc)
    bodies: dict[str, dict[str, Any]] = {
        "ours": {"candidate": ours.pk},
        "stranger": {"candidate": _stranger(cast).pk},
        "none": {},
        "zero": {"candidate": 0},
        "forged": {"candidate": ours.pk, "weight_units": 10**6},
    }
    before = snapshot()
    response = _post(client, cast.users[key] if key else None, election, bodies[body])
    assert response.status_code == status, response.content
    if detail is not None:
        assert str(detail) in response.content.decode()
    assert snapshot() == before


def test_a_ballot_before_voting_opens_is_refused_with_the_opening_time(
    client: Client, cast: Cast, world: World
) -> None:
    election = election_open(lot=world.lot, by=cast.users["council"])
    ours = candidate_apply(election=election, company=cast.mc, by=cast.users["mc_director"])
    response = _post(client, cast.users["owner"], election, {"candidate": ours.pk})
    assert response.status_code == 400
    opening = timezone.localtime(election.nomination_ends_at).strftime("%d.%m.%Y %H:%M")
    assert response.json()["detail"] == str(MSG_NOT_VOTING_YET % {"at": opening})
    assert not Ballot.objects.exists()


def test_an_inactive_owner_reaches_no_candidate(cast: Cast, world: World) -> None:
    election = _voting_now(cast, world)
    ours = election.candidates.get(company=cast.mc)
    owner = cast.users["owner"]
    assert selectors.candidate_for_voter(owner, election.pk, ours.pk) is not None
    User.objects.filter(pk=owner.pk).update(is_active=False)
    owner.refresh_from_db()
    assert selectors.candidate_for_voter(owner, election.pk, ours.pk) is None


def test_a_voter_reaches_a_candidate_exactly_when_in_the_electorate(
    cast: Cast, world: World
) -> None:
    election = _voting_now(cast, world)
    ours = election.candidates.get(company=cast.mc)
    stranger = _stranger(cast)
    people = {**cast.users, **world.voters}
    reached = 0
    for key, user in people.items():
        found = selectors.candidate_for_voter(user, election.pk, ours.pk)
        elector = Elector.objects.filter(election=election, person__user=user).exists()
        assert (found is not None) == elector, key
        assert selectors.candidate_for_voter(user, election.pk, stranger.pk) is None, key
        assert selectors.candidate_for_voter(user, stranger.election_id, stranger.pk) is None
        if found is not None:
            reached += 1
            assert found.pk == ours.pk
            assert found.company.name == cast.mc.name
            assert found.election_id == election.pk
            assert found.election.voting_ends_at == election.voting_ends_at  # loaded on use
    assert reached == 5  # owner, co_owner, neighbour, third, fourth


BALLOT_QUERIES = 8  # token, candidate, savepoint, share, lock, chain head, insert, release


def test_a_ballot_takes_the_same_few_queries_as_the_electorate_grows(
    client: Client, cast: Cast, world: World
) -> None:
    from buildings.models import Apartment, account_number_for

    counts = []
    for grow in (0, 40):
        if grow:
            start = world.building.apartments.count() + 1
            flats = Apartment.objects.bulk_create(
                Apartment(
                    building=world.building,
                    number=str(i),
                    area_m2=50,
                    account_number=account_number_for(world.building.pk, i),
                )
                for i in range(start, start + grow)
            )
            Ownership.objects.bulk_create(
                Ownership(apartment=a, person=PersonFactory.create(), since=dt.date(2020, 1, 1))
                for a in flats
            )
            from voting.services import election_close

            first = Election.objects.get(lot=world.lot)
            for _ in range(2):  # no quorum: extended once, then closed by the rules
                first = election_close(election=first, by=None, at=first.voting_ends_at)
            Lot.objects.filter(pk=world.lot.pk).update(status="reelection")
        election = _voting_now(cast, world)
        ours = election.candidates.get(company=cast.mc)
        for _ in range(2):  # a second ballot appends to a chain that has a head
            token = Token.objects.get_or_create(user=world.voters["neighbour"])[0]
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(
                    f"/api/v1/elections/{election.pk}/ballots/",
                    {"candidate": ours.pk},
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Token {token.key}",
                )
            assert response.status_code == 201, response.content
            counts.append(len(ctx.captured_queries))
    assert len(set(counts)) == 1, counts
    assert counts[0] <= BALLOT_QUERIES, [q["sql"] for q in ctx.captured_queries]
