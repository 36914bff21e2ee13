"""Two workers on the same notification (a redelivered task, a retry racing the original):
the row lock lets one send; and two runs of notify_many record each row once
(issue 15, notifications: delivery). Real threads against PostgreSQL."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from accounts.models import Notification, Person
from accounts.notifications import BACKENDS, notification_deliver, notify, notify_many
from mening_uyim.demo import Cast
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_delivering_one_notification_send_it_once(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    (row,) = notify(person=cast.users["owner"].person, key="k:race", subject="S", body="B")
    sent: list[int] = []
    lock = threading.Lock()

    def slow_email(notification: Notification) -> bool:
        time.sleep(0.2)  # the other worker arrives while this one sends
        with lock:
            sent.append(notification.pk)
        return True

    monkeypatch.setitem(BACKENDS, "email", slow_email)
    results: list[Any] = []
    outcomes = race(
        lambda: results.append(notification_deliver(row.pk)),
        lambda: results.append(notification_deliver(row.pk)),
    )
    assert outcomes == ["ok", "ok"]
    assert sorted(results) == ["sent", "skipped"]
    assert sent == [row.pk]


def test_two_runs_of_notify_many_record_each_row_once(cast: Cast) -> None:
    people = Person.objects.all()
    counts: list[int] = []
    outcomes = race(
        lambda: counts.append(notify_many(person_ids=people, key="k:r", subject="S", body="B")),
        lambda: counts.append(notify_many(person_ids=people, key="k:r", subject="S", body="B")),
    )
    assert outcomes == ["ok", "ok"]
    total = Notification.objects.filter(key="k:r").count()
    assert sum(counts) == total == people.count()
