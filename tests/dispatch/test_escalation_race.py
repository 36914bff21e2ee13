"""Retries and races (issue 13, point 4): the escalation job run twice, and eight times
at the same moment with real threads on PostgreSQL, escalates a breach once, records it
once in the ticket's history and tells each inspector once."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest

from accounts.models import Notification
from dispatch.models import Escalation, TicketEvent
from dispatch.services import escalate_breaches, ticket_file
from mening_uyim.demo import Cast
from tests.concurrency import race
from tests.dispatch.world import building_a, flat_12

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
GAS = "Podyezdda gaz hidi kelyapti, tez keling!"


def test_eight_escalation_runs_at_once_escalate_and_tell_once(cast: Cast) -> None:
    ticket = ticket_file(
        by=cast.users["owner"], building=building_a(), apartment=flat_12(), text=GAS, at=T0
    )
    at = T0 + dt.timedelta(minutes=31)
    outcomes = race(*(partial(escalate_breaches, at=at) for _ in range(8)))
    assert outcomes == ["ok"] * 8
    escalate_breaches(at=at + dt.timedelta(minutes=5))  # and the next run of the beat
    assert Escalation.objects.filter(ticket=ticket).count() == 1
    events = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ESCALATED)
    assert events.count() == 1
    told = Notification.objects.filter(key__startswith="escalation:")
    people = list(told.values_list("person_id", "channel"))
    assert people
    assert len(people) == len(set(people))
    inspector = cast.users["inspector"].person
    assert told.filter(person=inspector).count() == len({c for _, c in people})
