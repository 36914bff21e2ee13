"""Election pages and API for the right personas: an owner votes and finds the receipt on
the board, the council opens and closes; pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from buildings.models import Ownership
from lots.models import LotStatus
from mening_uyim.demo import Cast
from tests.factories import PersonFactory
from tests.voting.conftest import World
from voting.models import Ballot, Election, ElectionStatus
from voting.services import candidate_apply, election_open

pytestmark = pytest.mark.django_db


def _voting_now(cast: Cast, world: World) -> Election:
    from django.conf import settings

    opened = timezone.now() - dt.timedelta(days=settings.VOTING_NOMINATION_DAYS + 1)
    election = election_open(lot=world.lot, by=cast.users["council"], at=opened)
    candidate_apply(election=election, company=cast.mc, by=cast.users["mc_director"], at=opened)
    candidate_apply(election=election, company=cast.rival_mc, by=cast.users["rival_mc"], at=opened)
    return election


def test_an_owner_votes_and_finds_the_receipt_on_the_board(
    client: Client, cast: Cast, world: World
) -> None:
    election = _voting_now(cast, world)
    candidate = election.candidates.get(company=cast.mc)
    client.force_login(cast.users["owner"])
    page = client.get(f"/voting/elections/{election.pk}/").content.decode()
    assert f'value="{candidate.pk}"' in page
    response = client.post(f"/voting/elections/{election.pk}/ballot/", {"candidate": candidate.pk})
    assert response.status_code == 302
    ballot = Ballot.objects.get(election=election)
    assert ballot.person == cast.users["owner"].person
    page = client.get(f"/voting/elections/{election.pk}/").content.decode()
    assert ballot.receipt in page
    board = client.get(f"/voting/elections/{election.pk}/board/").content.decode()
    assert ballot.receipt in board
    assert "25.00" in board or "25" in board  # ½ of 50 m²


def test_the_api_casts_a_ballot_and_refuses_a_forged_weight(
    client: Client, cast: Cast, world: World
) -> None:
    election = _voting_now(cast, world)
    candidate = election.candidates.get(company=cast.rival_mc)
    client.force_login(cast.users["neighbour"])
    url = f"/api/v1/elections/{election.pk}/ballots/"
    response = client.post(url, {"candidate": candidate.pk, "weight_units": 10**6})
    assert response.status_code == 400
    assert not Ballot.objects.exists()
    response = client.post(url, {"candidate": candidate.pk})
    assert response.status_code == 201
    receipt = response.json()["receipt"]
    assert response.json()["weight_m2"] == "50"
    assert list(response.json()) == ["seq", "receipt", "candidate", "weight_m2", "cast_at", "hash"]
    assert response.json()["candidate"] == cast.rival_mc.name
    board = client.get(f"/api/v1/elections/{election.pk}/board/").json()
    assert receipt in str(board)
    mine = client.get("/api/v1/me/receipts/").json()
    assert receipt in str(mine)


def test_the_council_opens_and_closes_an_election_on_the_pages(
    client: Client, cast: Cast, world: World
) -> None:
    client.force_login(cast.users["council"])
    page = client.get(f"/lots/{world.lot.pk}/").content.decode()
    assert f"/voting/lots/{world.lot.pk}/open/" in page
    response = client.post(f"/voting/lots/{world.lot.pk}/open/")
    assert response.status_code == 302
    election = Election.objects.get(lot=world.lot)
    world.lot.refresh_from_db()
    assert world.lot.status == LotStatus.ELECTION
    Election.objects.filter(pk=election.pk).update(
        nomination_ends_at=timezone.now() - dt.timedelta(days=2),
        voting_ends_at=timezone.now() - dt.timedelta(days=1),
    )
    response = client.post(f"/voting/elections/{election.pk}/close/")
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.status == ElectionStatus.CLOSED  # no candidates: closed for an appointment


def _grow(world: World, n: int) -> None:
    """n more flats, each owned by a new person, in building X."""
    from buildings.models import Apartment, account_number_for

    start = world.building.apartments.count() + 1
    flats = Apartment.objects.bulk_create(
        [
            Apartment(
                building=world.building,
                number=str(i),
                area_m2=50,
                account_number=account_number_for(world.building.pk, i),
            )
            for i in range(start, start + n)
        ]
    )
    people = [PersonFactory.create() for _ in range(n)]
    Ownership.objects.bulk_create(
        [
            Ownership(apartment=a, person=p, since=dt.date(2020, 1, 1))
            for a, p in zip(flats, people, strict=True)
        ]
    )


PINS = {"/voting/elections/{pk}/": 16, "/voting/elections/{pk}/board/": 6}


@pytest.mark.parametrize("path", list(PINS))
def test_the_ballot_page_and_board_take_the_same_queries_as_the_electorate_grows(
    client: Client, cast: Cast, world: World, path: str
) -> None:
    counts: list[int] = []
    for grow in (0, 30):
        _grow(world, grow)
        election = _voting_now(cast, world) if not counts else _reopen(cast, world)
        client.force_login(cast.users["owner"])
        client.get(
            path.format(pk=election.pk)
        )  # the roles are cached across requests (accounts.permissions): count a warm request
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path.format(pk=election.pk)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= PINS[path], counts


def _reopen(cast: Cast, world: World) -> Election:
    """A second lot over the same (grown) building is not possible; close the first
    election by the rules and open a new one for a lot in re-election."""
    from lots.models import Lot
    from voting.services import election_close

    first = Election.objects.get(lot=world.lot)
    for _ in range(2):  # no ballots: extended once, then closed without quorum
        first = election_close(election=first, by=None, at=first.voting_ends_at)
    assert first.status == ElectionStatus.CLOSED
    Lot.objects.filter(pk=world.lot.pk).update(status=LotStatus.REELECTION)
    return _voting_now(cast, world)


def test_the_protocol_of_a_closed_election_is_a_pdf(
    client: Client, cast: Cast, world: World, tmp_path
) -> None:
    from voting.services import ballot_cast, election_close

    election = _voting_now(cast, world)
    candidate = election.candidates.get(company=cast.mc)
    for key in ("owner", "co_owner", "neighbour", "third"):
        ballot_cast(election=election, voter=world.voters[key], candidate=candidate)
    Election.objects.filter(pk=election.pk).update(voting_ends_at=timezone.now())
    election_close(election=election, by=None)
    client.force_login(cast.users["owner"])
    response = client.get(f"/voting/elections/{election.pk}/protocol.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    (tmp_path / "protocol.pdf").write_bytes(response.content)


def test_live_figures_give_participation_per_building(
    cast: Cast, world: World, make_building: object
) -> None:
    """Building X: 200 m², of which owner (½ of flat 1) and neighbour (flat 2) vote: 75 m²;
    building Y: 50 m², its owner does not vote."""
    from lots.models import LotBuilding
    from voting import selectors
    from voting.services import ballot_cast

    other = make_building(flats=1)  # type: ignore[operator]
    LotBuilding.objects.create(lot=world.lot, building=other)
    Ownership.objects.create(
        apartment=other.apartments.get(), person=PersonFactory.create(), since=dt.date(2020, 1, 1)
    )
    election = _voting_now(cast, world)
    candidate = election.candidates.get(company=cast.mc)
    for key in ("owner", "neighbour"):
        ballot_cast(election=election, voter=world.voters[key], candidate=candidate)
    ballot_cast(election=election, voter=world.voters["owner"], candidate=candidate)  # again
    live = selectors.figures(election)
    assert live["participating"] == "75"
    assert live["total"] == "250"
    assert live["percent"] == 30.0
    assert {b["address"]: b["percent"] for b in live["buildings"]} == {
        world.building.address: 37.5,
        other.address: 0.0,
    }


def test_interim_results_of_an_election_stay_hidden_until_the_close(
    client: Client, cast: Cast, world: World, settings: object
) -> None:
    from voting.services import ballot_cast

    election = _voting_now(cast, world)
    candidate = election.candidates.get(company=cast.mc)
    ballot_cast(election=election, voter=world.voters["neighbour"], candidate=candidate)
    client.force_login(cast.users["owner"])
    hidden = client.get(f"/voting/elections/{election.pk}/")
    assert "<td>50</td>" not in hidden.content.decode()
    assert (
        client.get(f"/api/v1/elections/{election.pk}/").json()["candidates"][0]["weight_m2"] is None
    )
    settings.VOTING_INTERIM_RESULTS_VISIBLE = True  # type: ignore[attr-defined]
    shown = client.get(f"/voting/elections/{election.pk}/").content.decode()
    assert "<td>50</td>" in shown


def test_only_a_directors_company_that_does_not_stand_yet_is_offered_to_stand(
    client: Client, cast: Cast, world: World
) -> None:
    election = election_open(lot=world.lot, by=cast.users["council"])
    path = f"/voting/elections/{election.pk}/"
    button = f'action="/voting/elections/{election.pk}/apply/"'
    client.force_login(cast.users["mc_director"])
    assert button in client.get(path).content.decode()
    client.force_login(cast.users["mc_dispatcher"])
    assert button not in client.get(path).content.decode()
    candidate_apply(election=election, company=cast.mc, by=cast.users["mc_director"])
    client.force_login(cast.users["mc_director"])
    assert button not in client.get(path).content.decode()
    client.force_login(cast.users["rival_mc"])
    assert button in client.get(path).content.decode()
