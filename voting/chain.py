"""The hash chain of ballots (DOMAIN.md "Verifiability"; after Helios and Belenios).

Every ballot is an entry: ``hash = sha256(prev_hash ‖ "\\n" ‖ canonical)``, where
``canonical`` is the compact, key-sorted JSON of the entry's facts: the election, the
entry's number, a pseudonymous voter reference (a keyed hash, so that the public board
names nobody), the choice, the weight and the time. The first entry's ``prev_hash`` is
the election's genesis hash. Anyone holding the ballots can recompute the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from typing import Any

from django.conf import settings

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely
RECEIPT_LENGTH = 10


def genesis(election_id: int) -> str:
    return hashlib.sha256(f"mening-uyim:election:{election_id}".encode()).hexdigest()


def voter_ref(election_id: int, person_id: int) -> str:
    """A keyed hash of the voter: stable within one election, unlinkable across elections
    and meaningless without the server's key."""
    key = hashlib.sha256(f"voter-ref:{settings.SECRET_KEY}".encode()).digest()
    message = f"election:{election_id}:person:{person_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def canonical(
    *,
    election_id: int,
    seq: int,
    voter: str,
    choice: int,
    weight_units: int,
    weight_scale: int,
    cast_at: dt.datetime,
) -> str:
    entry: dict[str, Any] = {
        "election": election_id,
        "seq": seq,
        "voter": voter,
        "choice": choice,
        "weight": f"{weight_units}/{weight_scale * 100}",  # m², exact
        "at": cast_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
    }
    return json.dumps(entry, sort_keys=True, separators=(",", ":"))


def entry_hash(prev_hash: str, encoded: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{encoded}".encode()).hexdigest()


def ballot_hash(ballot: Any, weight_scale: int) -> str:
    """The hash that ``ballot`` must carry, recomputed from its stored facts."""
    encoded = canonical(
        election_id=ballot.election_id,
        seq=ballot.seq,
        voter=ballot.voter_ref,
        choice=ballot.candidate_id,
        weight_units=ballot.weight_units,
        weight_scale=weight_scale,
        cast_at=ballot.cast_at,
    )
    return entry_hash(ballot.prev_hash, encoded)


def _walk(
    ballots: Any, genesis_hash: str, expected: Any, head: str
) -> tuple[bool, int | None, str]:
    """Walk a chain in order: (ok, first bad entry number, why). ``expected(ballot)`` is the
    hash the entry must carry (None: the entry cannot be read as stored)."""
    expected_prev = genesis_hash
    expected_seq = 1
    for ballot in ballots.order_by("seq").iterator(chunk_size=2000):
        if ballot.seq != expected_seq:
            why = f"entry {ballot.seq} out of sequence (expected {expected_seq})"
            return False, ballot.seq, why
        if ballot.prev_hash != expected_prev:
            return False, ballot.seq, f"entry {ballot.seq} does not follow the previous entry"
        if expected(ballot) != ballot.hash:
            return False, ballot.seq, f"entry {ballot.seq} was altered"
        expected_prev = ballot.hash
        expected_seq += 1
    if head and head != expected_prev:
        return False, None, "the published head does not match the chain"
    return True, None, ""


def chain_verify(election: Any) -> tuple[bool, int | None, str]:
    """Walk an election's chain: (ok, first bad entry number, why)."""
    return _walk(
        election.ballots,
        genesis(election.pk),
        lambda b: ballot_hash(b, election.weight_scale),
        election.head_hash,
    )


# --- general meetings (DOMAIN.md "General meeting") -----------------------------------------
# A meeting has its own chain, with its own genesis and voter references, so that its
# entries can never be confused with, or replayed into, an election's. An entry holds the
# owner's answer to every question of the agenda at once.


def meeting_genesis(meeting_id: int) -> str:
    return hashlib.sha256(f"mening-uyim:meeting:{meeting_id}".encode()).hexdigest()


def meeting_voter_ref(meeting_id: int, person_id: int) -> str:
    """As ``voter_ref``: stable within one meeting, unlinkable across meetings and
    elections."""
    key = hashlib.sha256(f"voter-ref:{settings.SECRET_KEY}".encode()).digest()
    message = f"meeting:{meeting_id}:person:{person_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def meeting_canonical(
    *,
    meeting_id: int,
    seq: int,
    voter: str,
    choices: dict[str, str],
    weight_units: int,
    weight_scale: int,
    cast_at: dt.datetime,
) -> str:
    """``choices`` maps each question's id (as text) to "for", "against" or "abstain";
    key-sorted like the rest of the entry."""
    entry: dict[str, Any] = {
        "meeting": meeting_id,
        "seq": seq,
        "voter": voter,
        "choices": choices,
        "weight": f"{weight_units}/{weight_scale * 100}",  # m², exact
        "at": cast_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
    }
    return json.dumps(entry, sort_keys=True, separators=(",", ":"))


def meeting_ballot_hash(ballot: Any, weight_scale: int) -> str:
    """The hash that a meeting ballot must carry, recomputed from its stored facts."""
    encoded = meeting_canonical(
        meeting_id=ballot.meeting_id,
        seq=ballot.seq,
        voter=ballot.voter_ref,
        choices=ballot.choices,
        weight_units=ballot.weight_units,
        weight_scale=weight_scale,
        cast_at=ballot.cast_at,
    )
    return entry_hash(ballot.prev_hash, encoded)


def meeting_chain_verify(meeting: Any) -> tuple[bool, int | None, str]:
    """Walk a meeting's chain: (ok, first bad entry number, why)."""
    return _walk(
        meeting.ballots,
        meeting_genesis(meeting.pk),
        lambda b: (
            meeting_ballot_hash(b, meeting.weight_scale) if isinstance(b.choices, dict) else None
        ),
        meeting.head_hash,
    )
