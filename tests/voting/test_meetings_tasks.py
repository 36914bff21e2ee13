"""The beat task closes general meetings whose voting has ended."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mening_uyim.demo import Cast
from tests.voting.test_meetings import convene, estate, vote
from voting.models import Meeting, MeetingStatus
from voting.tasks import meetings_close_due

pytestmark = pytest.mark.django_db
__all__ = ["estate"]  # the fixture, shared with test_meetings.py


def test_the_beat_task_closes_due_meetings(cast: Cast, estate: Any) -> None:
    place = estate("50", "50", "50")
    meeting = convene(cast, place.building)
    for owner in place.owners[:2]:
        vote(meeting, owner, "for")
    assert meetings_close_due() == 0  # voting has not ended by today's clock
    past = timezone.now() - dt.timedelta(minutes=1)
    Meeting.objects.filter(pk=meeting.pk).update(discussion_ends_at=past, voting_ends_at=past)
    assert meetings_close_due() == 1
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert meetings_close_due() == 0
