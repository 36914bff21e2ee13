"""General meetings' ballots are append-only (code and database triggers) and their hash
chain shows any change made behind the code's back (DOMAIN.md "Verifiability")."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from mening_uyim.demo import Cast
from tests.voting.conftest import World
from tests.voting.test_meetings import CLEANING, LEASE, chain_ok, close, convene, vote
from voting import chain
from voting.models import BallotImmutable, MeetingBallot

pytestmark = pytest.mark.django_db


# --- append-only and verifiability --------------------------------------------------------


def test_meeting_ballots_are_never_updated_or_deleted(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, CLEANING)
    ballot = vote(meeting, world.voters["third"], "for")
    ballot.weight_units = 1
    with pytest.raises(BallotImmutable):
        ballot.save()
    with pytest.raises(BallotImmutable):
        ballot.delete()
    with pytest.raises(BallotImmutable):
        MeetingBallot.objects.filter(pk=ballot.pk).update(weight_units=1)
    with pytest.raises(BallotImmutable):
        MeetingBallot.objects.filter(pk=ballot.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE voting_meetingballot SET weight_units = 1 WHERE id = %s", [ballot.pk])
    if connection.vendor == "postgresql":  # SQLite guards UPDATE only (migration 0005)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("DELETE FROM voting_meetingballot WHERE id = %s", [ballot.pk])
    stored = MeetingBallot.objects.get(pk=ballot.pk)
    assert stored.weight_units > 1
    assert chain_ok(meeting)


def _alter_behind_the_codes_back(ballot_id: int, assignment: str) -> None:
    """Change a stored meeting ballot with the database's own guard switched off."""
    sql = f"UPDATE voting_meetingballot SET {assignment} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
            cur.execute(
                "ALTER TABLE voting_meetingballot DISABLE TRIGGER voting_meetingballot_append_only"
            )
            cur.execute(sql, [ballot_id])
            cur.execute(
                "ALTER TABLE voting_meetingballot ENABLE TRIGGER voting_meetingballot_append_only"
            )
        else:
            cur.execute("DROP TRIGGER voting_meetingballot_no_update")
            cur.execute(sql, [ballot_id])
            cur.execute(
                "CREATE TRIGGER voting_meetingballot_no_update BEFORE UPDATE"
                " ON voting_meetingballot"
                " BEGIN SELECT RAISE(ABORT, 'meeting ballots are append-only'); END"
            )


@pytest.mark.parametrize("what", ["weight", "choices"])
@pytest.mark.tampered
def test_verify_chain_names_a_meeting_ballot_altered_behind_the_codes_back(
    cast: Cast, world: World, what: str
) -> None:
    meeting = convene(cast, world.building, LEASE)
    for key, choice in (("owner", "for"), ("neighbour", "against"), ("third", "for")):
        vote(meeting, world.voters[key], choice)
    meeting = close(meeting)
    assert chain_ok(meeting)
    second = MeetingBallot.objects.get(meeting=meeting, seq=2)
    if what == "weight":
        _alter_behind_the_codes_back(second.pk, "weight_units = weight_units + 1")
    else:
        flipped = json.dumps({k: "for" for k in second.choices})
        _alter_behind_the_codes_back(second.pk, f"choices = '{flipped}'")
    assert MeetingBallot.objects.get(pk=second.pk).hash == second.hash  # the hash was kept
    err = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("verify_chain", "meeting", str(meeting.pk), stdout=StringIO(), stderr=err)
    assert exc.value.code == 1
    assert "entry 2" in err.getvalue()
    with pytest.raises(SystemExit):  # the recount no longer matches the published result
        call_command("retally", "meeting", str(meeting.pk), "--json", stdout=StringIO())


@pytest.mark.parametrize("relinked", [False, True])
@pytest.mark.tampered
def test_a_rewritten_meeting_history_breaks_the_chain_even_with_recomputed_hashes(
    cast: Cast, world: World, relinked: bool
) -> None:
    """An insider rewrites entry 2's choices with a hash recomputed by the published
    algorithm: entry 3 no longer follows it; re-linking entry 3 breaks entry 3's own hash,
    which covers its predecessor."""
    meeting = convene(cast, world.building, LEASE)
    for key, choice in (("owner", "for"), ("neighbour", "against"), ("third", "for")):
        vote(meeting, world.voters[key], choice)
    meeting = close(meeting)
    second = MeetingBallot.objects.get(meeting=meeting, seq=2)
    forged_choices = {k: "for" for k in second.choices}
    forged = chain.entry_hash(
        second.prev_hash,
        chain.meeting_canonical(
            meeting_id=meeting.pk,
            seq=2,
            voter=second.voter_ref,
            choices=forged_choices,
            weight_units=second.weight_units,
            weight_scale=meeting.weight_scale,
            cast_at=second.cast_at,
        ),
    )
    third = MeetingBallot.objects.get(meeting=meeting, seq=3)
    _alter_behind_the_codes_back(
        second.pk, f"choices = '{json.dumps(forged_choices)}', hash = '{forged}'"
    )
    if relinked:
        _alter_behind_the_codes_back(third.pk, f"prev_hash = '{forged}'")
    ok, bad, why = chain.meeting_chain_verify(meeting)
    assert (ok, bad) == (False, 3)
    assert ("altered" if relinked else "does not follow") in why


@pytest.mark.tampered
def test_a_ballot_removed_behind_the_codes_back_breaks_the_sequence(
    cast: Cast, world: World
) -> None:
    meeting = convene(cast, world.building, LEASE)
    for key in ("owner", "neighbour", "third"):
        vote(meeting, world.voters[key], "for")
    second = MeetingBallot.objects.get(meeting=meeting, seq=2)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(
                "ALTER TABLE voting_meetingballot DISABLE TRIGGER voting_meetingballot_append_only"
            )
        cur.execute("DELETE FROM voting_meetingballot WHERE id = %s", [second.pk])
    ok, bad, why = chain.meeting_chain_verify(meeting)
    assert (ok, bad) == (False, 3)
    assert "out of sequence" in why


def test_commands_refuse_an_unknown_meeting(db: None) -> None:
    from django.core.management.base import CommandError

    for command in ("verify_chain", "retally"):
        with pytest.raises(CommandError):
            call_command(command, "meeting", "999999", stdout=StringIO())
        with pytest.raises(CommandError):
            call_command(command, "meeting", "²", stdout=StringIO())
