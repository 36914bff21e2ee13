"""The owners' cached pages (buildings.owner_pages) follow the votes: a meeting and what
hangs on it (its questions, decisions, electors, signatures, comments and ballots: the
meeting's page shows them all) renew its building's stamp; an election, its candidates and
electors renew the stamps of the lot's buildings. An election's ballots renew nothing: no
cached page shows them (the election's own page is not cached), and a ballot renewing a
whole lot's buildings would cost every vote a hundred cache writes."""

from __future__ import annotations

from typing import Any

from buildings.owner_pages import follow
from lots.receivers import lot_buildings
from voting.models import (
    Candidate,
    Comment,
    Decision,
    Election,
    Elector,
    Meeting,
    MeetingBallot,
    MeetingElector,
    MeetingSignature,
    Question,
)


def _meeting_building(row: Any) -> list[int]:
    return list(Meeting.objects.filter(pk=row.meeting_id).values_list("building_id", flat=True))


def _election_lot(row: Any) -> list[int]:
    return lot_buildings(
        Election.objects.filter(pk=row.election_id).values_list("lot_id", flat=True)
    )


follow(Meeting, lambda row: [row.building_id], "meeting")
for _model in (MeetingElector, MeetingSignature, Question, MeetingBallot, Comment, Decision):
    follow(_model, _meeting_building, f"meeting-{_model.__name__}")


follow(Election, lambda row: lot_buildings([row.lot_id]), "election")
for _row in (Candidate, Elector):
    follow(_row, _election_lot, f"election-{_row.__name__}")
