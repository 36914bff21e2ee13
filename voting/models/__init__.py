"""Voting's models: lot elections (``elections``); general meetings arrive beside them."""

from voting.models.elections import (
    Ballot,
    BallotImmutable,
    BallotQuerySet,
    Candidate,
    Election,
    ElectionStatus,
    Elector,
    InterimAppointment,
    Outcome,
)

__all__ = [
    "Ballot",
    "BallotImmutable",
    "BallotQuerySet",
    "Candidate",
    "Election",
    "ElectionStatus",
    "Elector",
    "InterimAppointment",
    "Outcome",
]
