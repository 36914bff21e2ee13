"""Lot elections (DOMAIN.md "Voting"): opening with a frozen electorate, nomination,
ballots in the window, the last ballot counting, quorum, extension, runoff, interim
appointment, and the winner managing the lot. Clocks are fixed at each boundary."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from buildings.models import Building, Ownership
from lots.models import Lot, LotStatus
from mening_uyim.demo import Cast
from organizations.models import ManagementCompany, RegisterStatus
from tests.factories import ManagementCompanyFactory
from tests.voting.conftest import T0, World, ownerships_end
from voting.models import (
    Ballot,
    BallotImmutable,
    Candidate,
    Election,
    ElectionStatus,
    Elector,
    InterimAppointment,
    Outcome,
)
from voting.services import (
    MSG_FORGED_WEIGHT,
    MSG_NOT_CANDIDATE,
    MSG_NOT_ELECTOR,
    VotingError,
    ballot_cast,
    candidate_apply,
    election_close,
    election_open,
    interim_appoint,
)
from voting.tally import tally

pytestmark = pytest.mark.django_db
US = dt.timedelta(microseconds=1)


def _open(cast: Cast, world: World) -> Election:
    return election_open(lot=world.lot, by=cast.users["council"], at=T0)


def _voting_at(election: Election) -> dt.datetime:
    return election.nomination_ends_at


def _with_candidates(cast: Cast, world: World) -> tuple[Election, Candidate, Candidate]:
    election = _open(cast, world)
    ours = candidate_apply(election=election, company=cast.mc, by=cast.users["mc_director"], at=T0)
    theirs = candidate_apply(
        election=election, company=cast.rival_mc, by=cast.users["rival_mc"], at=T0
    )
    return election, ours, theirs


def _vote(world: World, election: Election, key: str, candidate: Candidate) -> Ballot:
    return ballot_cast(
        election=election, voter=world.voters[key], candidate=candidate, at=_voting_at(election)
    )


def _chain_ok(election: Election) -> bool:
    out = StringIO()
    try:
        call_command("verify_chain", "election", str(election.pk), stdout=out, stderr=out)
    except SystemExit as exc:
        return exc.code == 0
    return True


def _retally(election: Election) -> dict:
    out = StringIO()
    call_command("retally", "election", str(election.pk), "--json", stdout=out)
    return json.loads(out.getvalue())


# --- opening ------------------------------------------------------------------------------


def test_the_council_opens_an_election_with_a_frozen_weighted_electorate(
    cast: Cast, world: World
) -> None:
    election = _open(cast, world)
    world.lot.refresh_from_db()
    assert world.lot.status == LotStatus.ELECTION
    assert election.nomination_ends_at == T0 + dt.timedelta(days=settings.VOTING_NOMINATION_DAYS)
    assert election.voting_ends_at == election.nomination_ends_at + dt.timedelta(
        days=settings.VOTING_ELECTION_DAYS
    )
    assert election.weight_scale == 2  # the lcm of the shares' denominators (½, 1)
    assert tally(election).m2(election.total_weight_units) == "200"
    weights = {e.person_id: e.weight_units for e in Elector.objects.filter(election=election)}
    owner, co_owner = cast.users["owner"].person, cast.users["co_owner"].person
    assert weights[owner.pk] == weights[co_owner.pk]  # a co-owner votes their own share only
    assert weights[owner.pk] * 2 == weights[cast.users["neighbour"].person.pk]


@pytest.mark.parametrize("key", ["mc_director", "inspector", "other_council", "owner"])
def test_only_a_council_of_the_lot_opens_it(cast: Cast, world: World, key: str) -> None:
    with pytest.raises(VotingError):
        election_open(lot=world.lot, by=cast.users[key], at=T0)
    assert not Election.objects.exists()
    world.lot.refresh_from_db()
    assert world.lot.status == LotStatus.APPROVED


@pytest.mark.parametrize("status", [LotStatus.DRAFT, LotStatus.PROPOSED, LotStatus.MANAGED])
def test_only_an_approved_lot_or_one_in_reelection_holds_an_election(
    cast: Cast, world: World, status: LotStatus
) -> None:
    Lot.objects.filter(pk=world.lot.pk).update(status=status)
    with pytest.raises(VotingError):
        _open(cast, world)
    assert not Election.objects.exists()


def test_a_lot_in_reelection_holds_a_new_election(cast: Cast, world: World) -> None:
    Lot.objects.filter(pk=world.lot.pk).update(status=LotStatus.REELECTION)
    assert _open(cast, world).status == ElectionStatus.OPEN


def test_a_later_ownership_change_does_not_touch_the_election(cast: Cast, world: World) -> None:
    election, ours, _theirs = _with_candidates(cast, world)
    total = election.total_weight_units
    ownerships_end(world.voters["neighbour"].person)
    election.refresh_from_db()
    assert election.total_weight_units == total
    assert _vote(world, election, "neighbour", ours).weight_units > 0


# --- nomination ---------------------------------------------------------------------------


def test_nomination_closes_at_its_boundary(cast: Cast, world: World) -> None:
    election = _open(cast, world)
    end = election.nomination_ends_at
    candidate_apply(election=election, company=cast.mc, by=cast.users["mc_director"], at=end - US)
    with pytest.raises(VotingError):
        candidate_apply(election=election, company=cast.rival_mc, by=cast.users["rival_mc"], at=end)
    assert list(election.candidates.values_list("company_id", flat=True)) == [cast.mc.pk]


def test_an_ineligible_company_is_refused_naming_the_requirement(cast: Cast, world: World) -> None:
    election = _open(cast, world)
    ManagementCompany.objects.filter(pk=cast.rival_mc.pk).update(dispatch_24h=False)
    with pytest.raises(VotingError) as exc:
        candidate_apply(election=election, company=cast.rival_mc, by=cast.users["rival_mc"], at=T0)
    from organizations.eligibility import failing_requirements

    cast.rival_mc.refresh_from_db()
    assert str(failing_requirements(cast.rival_mc)[0].label) in exc.value.message
    assert not election.candidates.exists()


@pytest.mark.parametrize("status", [RegisterStatus.REMOVED, RegisterStatus.APPLIED])
def test_a_company_outside_the_register_cannot_stand(
    cast: Cast, world: World, status: RegisterStatus
) -> None:
    election = _open(cast, world)
    ManagementCompany.objects.filter(pk=cast.mc.pk).update(status=status)
    director = type(cast.users["mc_director"]).objects.get(pk=cast.users["mc_director"].pk)
    with pytest.raises(VotingError):
        candidate_apply(election=election, company=cast.mc, by=director, at=T0)
    assert not election.candidates.exists()


def test_a_company_stands_only_through_its_own_director(cast: Cast, world: World) -> None:
    election = _open(cast, world)
    for key in ("mc_dispatcher", "rival_mc", "council"):
        with pytest.raises(VotingError):
            candidate_apply(election=election, company=cast.mc, by=cast.users[key], at=T0)
    assert not election.candidates.exists()


# --- ballots ------------------------------------------------------------------------------


def test_ballots_are_accepted_only_inside_the_voting_window(cast: Cast, world: World) -> None:
    election, ours, _ = _with_candidates(cast, world)
    voter = world.voters["third"]
    for at in (election.nomination_ends_at - US, election.voting_ends_at):
        with pytest.raises(VotingError):
            ballot_cast(election=election, voter=voter, candidate=ours, at=at)
    assert not Ballot.objects.exists()
    ballot_cast(election=election, voter=voter, candidate=ours, at=election.nomination_ends_at)
    ballot_cast(election=election, voter=voter, candidate=ours, at=election.voting_ends_at - US)
    assert Ballot.objects.count() == 2


def test_bad_ballots_are_refused_and_leave_the_chain_unchanged(
    cast: Cast, world: World, make_building
) -> None:
    election, ours, _ = _with_candidates(cast, world)
    _vote(world, election, "third", ours)
    before = list(Ballot.objects.values_list("pk", "hash"))
    at = _voting_at(election)
    with pytest.raises(VotingError) as exc:
        ballot_cast(election=election, voter=cast.users["outsider"], candidate=ours, at=at)
    assert exc.value.message == str(MSG_NOT_ELECTOR)
    other = Election.objects.create(
        lot=Lot.objects.create(code="UZ-TK-851", region=cast.region),
        opened_at=T0,
        nomination_ends_at=T0,
        voting_ends_at=T0 + dt.timedelta(days=1),
        quorum_percent=50,
    )
    stranger = Candidate.objects.create(election=other, company=cast.mc, applied_at=T0)
    with pytest.raises(VotingError) as exc:
        ballot_cast(election=election, voter=world.voters["third"], candidate=stranger, at=at)
    assert exc.value.message == str(MSG_NOT_CANDIDATE)
    with pytest.raises(VotingError) as exc:
        ballot_cast(
            election=election,
            voter=world.voters["third"],
            candidate=ours,
            weight_units=10**9,
            at=at,
        )
    assert exc.value.message == str(MSG_FORGED_WEIGHT)
    assert list(Ballot.objects.values_list("pk", "hash")) == before
    assert _chain_ok(election)


def test_an_inactive_owner_casts_no_ballot(cast: Cast, world: World) -> None:
    election, ours, _ = _with_candidates(cast, world)
    owner = world.voters["owner"]
    owner.is_active = False  # as roles_of: an inactive login may do nothing
    with pytest.raises(VotingError) as exc:
        _vote(world, election, "owner", ours)
    assert exc.value.message == str(MSG_NOT_ELECTOR)
    assert not Ballot.objects.exists()


def test_an_owner_of_several_shares_votes_their_sum_in_one_entry(cast: Cast, world: World) -> None:
    flat = world.building.apartments.order_by("pk")[3]  # the fourth owner's 50 m²
    Ownership.objects.filter(apartment=flat).update(share_numerator=1, share_denominator=2)
    Ownership.objects.create(
        apartment=flat,
        person=world.voters["third"].person,
        share_numerator=1,
        share_denominator=2,
        since=dt.date(2020, 1, 1),
    )
    election, ours, _ = _with_candidates(cast, world)
    first = _vote(world, election, "third", ours)
    second = _vote(world, election, "third", ours)
    counted = tally(election)
    assert counted.m2(first.weight_units) == "75"  # flat 3 whole and half of flat 4
    assert (first.seq, second.seq, second.prev_hash) == (1, 2, first.hash)
    assert counted.m2(counted.per_candidate[ours.pk]) == "75"  # the last ballot, once
    assert _chain_ok(election)


def test_the_locked_election_reads_as_the_orm_reads_it(cast: Cast, world: World) -> None:
    from django.forms.models import model_to_dict

    from voting.services import _lock

    election, _, _ = _with_candidates(cast, world)
    locked = _lock(election)
    assert model_to_dict(locked) == model_to_dict(Election.objects.get(pk=election.pk))
    assert locked.nomination_ends_at == election.nomination_ends_at  # an aware datetime
    assert locked.result == {}


@pytest.mark.django_db(transaction=True)
def test_the_election_is_locked_inside_a_transaction_only(cast: Cast, world: World) -> None:
    from django.db.transaction import TransactionManagementError

    from voting.services import _lock

    election = _open(cast, world)
    with pytest.raises(TransactionManagementError):
        _lock(election)


def test_the_last_ballot_counts(cast: Cast, world: World) -> None:
    election, ours, theirs = _with_candidates(cast, world)
    _vote(world, election, "neighbour", ours)
    _vote(world, election, "neighbour", theirs)
    counted = tally(election)
    assert counted.per_candidate[ours.pk] == 0
    assert counted.m2(counted.per_candidate[theirs.pk]) == "50"
    assert Ballot.objects.count() == 2  # both kept; the chain holds the history


@pytest.mark.postgres
def test_the_postgres_tally_counts_as_the_portable_one(cast: Cast, world: World) -> None:
    """tally() takes one DISTINCT ON pass on PostgreSQL; the portable query must agree."""
    from voting.tally import _last_ballots_portable, _last_ballots_postgres

    election, ours, theirs = _with_candidates(cast, world)
    assert _last_ballots_postgres(election) == _last_ballots_portable(election) == []
    for key, choice in (
        ("owner", ours),
        ("neighbour", theirs),
        ("owner", theirs),
        ("third", ours),
        ("neighbour", ours),
        ("owner", ours),
    ):
        _vote(world, election, key, choice)
    assert sorted(_last_ballots_postgres(election)) == sorted(_last_ballots_portable(election))
    counted = tally(election)
    assert counted.m2(counted.per_candidate[ours.pk]) == "125"  # owner ½ × 50, 50, 50
    assert counted.per_candidate[theirs.pk] == 0
    assert counted.ballots_counted == 3


def test_three_co_owners_of_a_third_add_up_to_the_whole_apartment(cast: Cast, world: World) -> None:
    from tests.factories import PersonFactory

    flat = world.building.apartments.order_by("pk")[3]
    Ownership.objects.filter(apartment=flat).delete()
    people = [PersonFactory.create() for _ in range(3)]
    Ownership.objects.bulk_create(
        [
            Ownership(
                apartment=flat,
                person=p,
                share_numerator=1,
                share_denominator=3,
                since=dt.date(2020, 1, 1),
            )
            for p in people
        ]
    )
    election, ours, _ = _with_candidates(cast, world)
    assert election.weight_scale == 6
    for person in people:
        assert person.user is not None
        ballot_cast(election=election, voter=person.user, candidate=ours, at=_voting_at(election))
    counted = tally(election)
    assert counted.m2(counted.per_candidate[ours.pk]) == "50"  # exactly the flat's 50 m²
    assert counted.m2(counted.total_units) == "200"


# --- closing ------------------------------------------------------------------------------


def test_an_election_cannot_be_closed_before_voting_ends(cast: Cast, world: World) -> None:
    election, _ours, _ = _with_candidates(cast, world)
    with pytest.raises(VotingError):
        election_close(election=election, by=cast.users["council"], at=election.voting_ends_at - US)
    with pytest.raises(VotingError):  # nor by anyone but a council of the lot
        election_close(
            election=election, by=cast.users["other_council"], at=election.voting_ends_at
        )
    election.refresh_from_db()
    assert election.status == ElectionStatus.OPEN


def test_the_winner_manages_the_lot_and_its_buildings(cast: Cast, world: World) -> None:
    election, ours, theirs = _with_candidates(cast, world)
    for key in ("owner", "co_owner", "neighbour"):
        _vote(world, election, key, ours)  # 100 m²
    _vote(world, election, "third", theirs)  # 50 m²: 150 of 200 participate
    election = election_close(
        election=election, by=cast.users["council"], at=election.voting_ends_at
    )
    assert election.outcome == Outcome.WINNER
    assert election.winner == cast.mc
    world.lot.refresh_from_db()
    assert (world.lot.status, world.lot.manager_id) == (LotStatus.MANAGED, cast.mc.pk)
    assert Building.objects.get(pk=world.building.pk).manager_id == cast.mc.pk
    report = _retally(election)
    assert report["matches_published"] is True
    assert report["participating_weight"] == "150"
    assert _chain_ok(election)
    assert election.head_hash == Ballot.objects.order_by("-seq").values_list("hash", flat=True)[0]


def test_exactly_half_is_no_quorum_and_extends_the_election_once(cast: Cast, world: World) -> None:
    election, ours, _ = _with_candidates(cast, world)
    _vote(world, election, "neighbour", ours)
    _vote(world, election, "third", ours)  # 100 of 200 m²: not MORE than half
    end = election.voting_ends_at
    election = election_close(election=election, by=None, at=end)
    assert election.status == ElectionStatus.OPEN
    assert election.voting_ends_at == end + dt.timedelta(days=settings.VOTING_EXTENSION_DAYS)
    election = election_close(election=election, by=None, at=election.voting_ends_at)
    assert (election.status, election.outcome) == (ElectionStatus.CLOSED, Outcome.NO_QUORUM)
    world.lot.refresh_from_db()
    assert world.lot.status == LotStatus.ELECTION  # awaiting the council's appointment
    with pytest.raises(VotingError):
        interim_appoint(election=election, company=cast.mc, by=cast.users["council"], reason=" ")
    interim_appoint(
        election=election, company=cast.mc, by=cast.users["council"], reason="Kvorum yoʻq"
    )
    assert InterimAppointment.objects.get(election=election).by == cast.users["council"]
    world.lot.refresh_from_db()
    assert (world.lot.status, world.lot.manager_id) == (LotStatus.MANAGED, cast.mc.pk)
    assert _retally(election)["matches_published"] is True


def test_one_m2_more_than_half_is_a_quorum(cast: Cast, world: World) -> None:
    election, ours, _ = _with_candidates(cast, world)
    _vote(world, election, "neighbour", ours)
    _vote(world, election, "third", ours)
    _vote(world, election, "owner", ours)  # 125 of 200
    election = election_close(election=election, by=None, at=election.voting_ends_at)
    assert election.outcome == Outcome.WINNER


def test_a_tie_opens_a_runoff_between_the_tied_candidates(cast: Cast, world: World) -> None:
    other = ManagementCompanyFactory.create(status=RegisterStatus.REGISTERED)
    election, ours, theirs = _with_candidates(cast, world)
    Candidate.objects.create(election=election, company=other, applied_at=T0)
    _vote(world, election, "neighbour", ours)
    _vote(world, election, "third", theirs)
    _vote(world, election, "owner", Candidate.objects.get(election=election, company=other))
    _vote(world, election, "co_owner", Candidate.objects.get(election=election, company=other))
    # ours 50, theirs 50, other 50: a three-way tie at 150 of 200
    election = election_close(election=election, by=None, at=election.voting_ends_at)
    assert election.outcome == Outcome.RUNOFF
    runoff = Election.objects.get(runoff_of=election)
    assert set(runoff.candidates.values_list("company_id", flat=True)) == {
        cast.mc.pk,
        cast.rival_mc.pk,
        other.pk,
    }
    assert runoff.nomination_ends_at == runoff.opened_at  # voting at once
    assert runoff.electors.count() == election.electors.count()
    assert runoff.total_weight_units == election.total_weight_units


def test_two_way_tie_runoff_takes_only_the_tied(cast: Cast, world: World) -> None:
    other = ManagementCompanyFactory.create(status=RegisterStatus.REGISTERED)
    election, ours, theirs = _with_candidates(cast, world)
    Candidate.objects.create(election=election, company=other, applied_at=T0)
    for key in ("neighbour",):
        _vote(world, election, key, ours)
    _vote(world, election, "third", theirs)
    _vote(world, election, "owner", Candidate.objects.get(election=election, company=other))
    election = election_close(election=election, by=None, at=election.voting_ends_at)
    # 125 of 200: ours 50, theirs 50, other 25
    assert election.outcome == Outcome.RUNOFF
    runoff = Election.objects.get(runoff_of=election)
    assert set(runoff.candidates.values_list("company_id", flat=True)) == {
        cast.mc.pk,
        cast.rival_mc.pk,
    }


def test_no_candidates_closes_for_an_interim_appointment(cast: Cast, world: World) -> None:
    election = _open(cast, world)
    election = election_close(election=election, by=None, at=election.voting_ends_at)
    assert election.outcome == Outcome.NO_CANDIDATES


def test_the_beat_task_closes_due_elections(cast: Cast, world: World) -> None:
    from voting.services import elections_due
    from voting.tasks import elections_close_due

    election, ours, _ = _with_candidates(cast, world)
    assert elections_due(election.voting_ends_at - US) == []
    assert elections_due(election.voting_ends_at) == [election.pk]
    assert elections_close_due() == 0  # the real clock: voting has not ended
    for key in ("owner", "co_owner", "neighbour", "third"):
        _vote(world, election, key, ours)
    Election.objects.filter(pk=election.pk).update(
        nomination_ends_at=T0, voting_ends_at=T0 + US
    )  # the window is over by today's clock
    assert elections_close_due() == 1
    election.refresh_from_db()
    assert election.outcome == Outcome.WINNER


# --- append-only and verifiability --------------------------------------------------------


def test_ballots_are_never_updated_or_deleted(cast: Cast, world: World) -> None:
    election, ours, theirs = _with_candidates(cast, world)
    ballot = _vote(world, election, "third", ours)
    ballot.candidate = theirs
    with pytest.raises(BallotImmutable):
        ballot.save()
    with pytest.raises(BallotImmutable):
        ballot.delete()
    with pytest.raises(BallotImmutable):
        Ballot.objects.filter(pk=ballot.pk).update(candidate=theirs)
    with pytest.raises(BallotImmutable):
        Ballot.objects.filter(pk=ballot.pk).delete()
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE voting_ballot SET weight_units = 1 WHERE id = %s", [ballot.pk])
    if connection.vendor == "postgresql":  # SQLite: see migration 0002
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("DELETE FROM voting_ballot WHERE id = %s", [ballot.pk])
    assert Ballot.objects.get(pk=ballot.pk).candidate_id == ours.pk


def _alter_behind_the_codes_back(ballot_id: int) -> None:
    """Change a stored ballot with the database's own guard switched off."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
            cur.execute("ALTER TABLE voting_ballot DISABLE TRIGGER voting_ballot_append_only")
            cur.execute(
                "UPDATE voting_ballot SET weight_units = weight_units + 1 WHERE id = %s",
                [ballot_id],
            )
            cur.execute("ALTER TABLE voting_ballot ENABLE TRIGGER voting_ballot_append_only")
        else:
            cur.execute("DROP TRIGGER voting_ballot_no_update")
            cur.execute(
                "UPDATE voting_ballot SET weight_units = weight_units + 1 WHERE id = %s",
                [ballot_id],
            )
            cur.execute(
                "CREATE TRIGGER voting_ballot_no_update BEFORE UPDATE ON voting_ballot"
                " BEGIN SELECT RAISE(ABORT, 'ballots are append-only'); END"
            )


@pytest.mark.tampered
def test_verify_chain_names_a_ballot_altered_behind_the_codes_back(
    cast: Cast, world: World
) -> None:
    election, ours, theirs = _with_candidates(cast, world)
    for key, choice in (("owner", ours), ("neighbour", theirs), ("third", ours)):
        _vote(world, election, key, choice)
    election = election_close(election=election, by=None, at=election.voting_ends_at)
    assert _chain_ok(election)
    second = Ballot.objects.get(election=election, seq=2)
    _alter_behind_the_codes_back(second.pk)
    err = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("verify_chain", "election", str(election.pk), stdout=StringIO(), stderr=err)
    assert exc.value.code == 1
    assert "entry 2" in err.getvalue()
    with pytest.raises(SystemExit):
        call_command("retally", "election", str(election.pk), "--json", stdout=StringIO())


@pytest.mark.tampered
def test_a_rewritten_history_breaks_the_chain_even_with_recomputed_hashes(
    cast: Cast, world: World
) -> None:
    """An insider changes entry 2's choice, recomputes its hash with the published
    algorithm and re-links entry 3 to it: entry 3's own hash covers its predecessor, so
    the chain no longer verifies (nor matches the published head)."""
    from voting import chain

    election, ours, theirs = _with_candidates(cast, world)
    for key, choice in (("owner", ours), ("neighbour", theirs), ("third", ours)):
        _vote(world, election, key, choice)
    election = election_close(election=election, by=None, at=election.voting_ends_at)
    second = Ballot.objects.get(election=election, seq=2)
    forged = chain.entry_hash(
        second.prev_hash,
        chain.canonical(
            election_id=election.pk,
            seq=2,
            voter=second.voter_ref,
            choice=ours.pk,
            weight_units=second.weight_units,
            weight_scale=election.weight_scale,
            cast_at=second.cast_at,
        ),
    )
    third = Ballot.objects.get(election=election, seq=3)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE voting_ballot DISABLE TRIGGER voting_ballot_append_only")
        else:
            cur.execute("DROP TRIGGER voting_ballot_no_update")
        cur.execute(
            "UPDATE voting_ballot SET candidate_id = %s, hash = %s WHERE id = %s",
            [ours.pk, forged, second.pk],
        )
        cur.execute("UPDATE voting_ballot SET prev_hash = %s WHERE id = %s", [forged, third.pk])
    ok, bad, _why = chain.chain_verify(election)
    assert not ok
    assert bad == 3
