"""Voting's periodic work: close the elections whose window has ended (every 15 minutes;
closing is idempotent, a closed election is skipped)."""

from __future__ import annotations

from celery import shared_task

from voting.models import Election
from voting.services import VotingError, election_close, elections_due, elections_notify


@shared_task(name="voting.tasks.elections_close_due")
def elections_close_due() -> int:
    closed = 0
    for pk in elections_due():
        try:
            election_close(election=Election.objects.get(pk=pk), by=None)
        except VotingError:
            continue  # closed or extended meanwhile by a council member
        closed += 1
    return closed


@shared_task(name="voting.tasks.elections_notify")
def elections_notify_due() -> int:
    """Voting opened, or closes in two days: tell the electorate of every election and
    general meeting (once each)."""
    from voting.meetings import meetings_notify

    return elections_notify() + meetings_notify()


@shared_task(name="voting.tasks.meetings_close_due")
def meetings_close_due() -> int:
    """Close the general meetings whose voting has ended (idempotent)."""
    from voting.meetings import meeting_close, meetings_due
    from voting.models import Meeting

    closed = 0
    for pk in meetings_due():
        try:
            meeting_close(meeting=Meeting.objects.get(pk=pk), by=None)
        except VotingError:
            continue  # closed meanwhile
        closed += 1
    return closed
