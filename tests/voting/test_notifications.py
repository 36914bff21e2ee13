"""Owners are told when voting opens and two days before it closes, once each, through
accounts.notifications (issue 9, point 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from accounts.models import Notification
from accounts.notifications import notification_deliver, notify
from accounts.tasks import notifications_send_key
from mening_uyim.demo import Cast
from tests.voting.conftest import T0, World
from voting.services import candidate_apply, election_open, elections_notify

pytestmark = pytest.mark.django_db
US = dt.timedelta(microseconds=1)


def test_a_notification_is_sent_once_however_often_it_is_asked_and_retried(
    cast: Cast,
) -> None:
    person = cast.users["owner"].person
    first = notify(person=person, key="k:1", subject="Salom", body="Matn")
    again = notify(person=person, key="k:1", subject="Salom", body="Matn")
    assert len(first) == 1
    assert again == []
    assert notification_deliver(first[0].pk) == "sent"
    assert notification_deliver(first[0].pk) == "skipped"  # a retried task
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.users["owner"].email]


def test_the_electorate_is_told_when_voting_opens_and_two_days_before_the_close(
    cast: Cast, world: World
) -> None:
    election = election_open(lot=world.lot, by=cast.users["council"], at=T0)
    candidate_apply(election=election, company=cast.mc, by=cast.users["mc_director"], at=T0)
    assert elections_notify(election.nomination_ends_at - US) == 0  # nomination: nothing yet
    told = elections_notify(election.nomination_ends_at)
    assert told == 5  # owner, co_owner, neighbour, third, fourth
    assert elections_notify(election.nomination_ends_at) == 0  # the beat runs again
    key = f"election:{election.pk}:open"
    notifications_send_key(key, "email")
    notifications_send_key(key, "email")  # a retry sends nothing more
    assert len(mail.outbox) == 5
    assert election.lot.code in mail.outbox[0].subject
    closing = election.voting_ends_at - dt.timedelta(days=2)
    assert elections_notify(closing - US) == 0
    assert elections_notify(closing) == 5
    assert Notification.objects.filter(key__contains=":closing:").count() == 5


def test_a_meetings_electorate_is_told_when_voting_opens_and_two_days_before_the_close(
    cast: Cast, world: World
) -> None:
    from tests.voting.test_meetings import CLEANING, convene
    from voting.meetings import meetings_notify

    meeting = convene(cast, world.building, CLEANING)
    assert meeting.discussion_ends_at is not None
    assert meeting.voting_ends_at is not None
    assert meetings_notify(meeting.discussion_ends_at - US) == 0  # still discussing
    assert meetings_notify(meeting.discussion_ends_at) == 5
    assert meetings_notify(meeting.discussion_ends_at) == 0  # the beat runs again
    notifications_send_key(f"meeting:{meeting.pk}:voting", "email")
    assert len(mail.outbox) == 5
    assert world.building.address in mail.outbox[0].subject
    closing = meeting.voting_ends_at - dt.timedelta(days=2)
    assert meetings_notify(closing - US) == 0
    assert meetings_notify(closing) == 5
    assert meetings_notify(closing) == 0
