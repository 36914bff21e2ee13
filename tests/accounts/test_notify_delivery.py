"""A message is sent once, whatever the retries (issue 15, notifications: delivery).

The tasks run eagerly (``Task.apply``): Celery's autoretry then runs the retries at once,
as a worker would after the backoff."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from accounts.models import Notification, NotificationPreference, Person, User
from accounts.notifications import notification_deliver, notify, notify_many
from accounts.sms import SmsGatewayError
from accounts.tasks import notification_send, notifications_send_key
from mening_uyim.demo import Cast
from tests.accounts.fake_telegram import FakeTelegram, fake_telegram_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def offered(settings: Any) -> None:
    settings.NOTIFY_CHANNELS = ["email", "sms", "telegram"]


def link(user: User, chat_id: int, **fields: Any) -> None:
    NotificationPreference.objects.update_or_create(
        user=user,
        defaults={"email": False, "telegram": True, "telegram_chat_id": chat_id, **fields},
    )


class FlakySms:
    """An SMS gateway that refuses the first ``failures`` messages, then accepts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[tuple[str, str]] = []
        self.tries = 0

    def __call__(self, phone: str, text: str) -> None:
        self.tries += 1
        if self.failures:
            self.failures -= 1
            raise SmsGatewayError("gateway down")
        self.sent.append((phone, text))


def test_a_delivered_notification_is_not_sent_again_by_a_retried_task(cast: Cast) -> None:
    (row,) = notify(person=cast.users["owner"].person, key="k:1", subject="S", body="B")
    assert notification_send.apply(args=[row.pk]).get() == "sent"
    assert notification_send.apply(args=[row.pk]).get() == "skipped"
    assert len(mail.outbox) == 1


def test_a_backend_that_fails_once_is_retried_and_sends_once(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    sms = FlakySms(failures=1)
    monkeypatch.setattr("accounts.sms.send_sms", sms)
    NotificationPreference.objects.create(user=cast.users["owner"], email=False, sms=True)
    (row,) = notify(person=cast.users["owner"].person, key="k:2", subject="S", body="B")
    assert notification_send.apply(args=[row.pk]).get() == "sent"
    assert (sms.tries, len(sms.sent)) == (2, 1)
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.delivered
    assert notification_send.apply(args=[row.pk]).get() == "skipped"
    assert len(sms.sent) == 1


def test_a_failed_send_leaves_the_row_unsent_for_the_retry(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("accounts.sms.send_sms", FlakySms(failures=1))
    NotificationPreference.objects.create(user=cast.users["owner"], email=False, sms=True)
    (row,) = notify(person=cast.users["owner"].person, key="k:3", subject="S", body="B")
    with pytest.raises(SmsGatewayError):
        notification_deliver(row.pk)
    row.refresh_from_db()
    assert row.sent_at is None  # the attempt rolled back: the retry sends it
    assert notification_deliver(row.pk) == "sent"


def test_a_failing_row_does_not_hold_up_the_others_and_the_retry_sends_only_it(
    cast: Cast, fake_telegram: FakeTelegram
) -> None:
    keys = ("owner", "co_owner", "neighbour")
    for n, key in enumerate(keys):
        link(cast.users[key], 1000 + n)
    people = Person.objects.filter(user__in=[cast.users[k] for k in keys])
    assert notify_many(person_ids=people, key="k:4", subject="S", body="B") == 3
    fake_telegram.fail_next(500, "Internal Server Error")  # the first chat's first try
    assert notifications_send_key.apply(args=["k:4", "telegram"]).get() == 1  # the retry's
    chats = sorted(m["chat_id"] for m in fake_telegram.sent())
    assert chats == [1000, 1001, 1002]  # each once
    assert not Notification.objects.filter(key="k:4", sent_at__isnull=True).exists()
    assert notifications_send_key.apply(args=["k:4", "telegram"]).get() == 0
    assert len(fake_telegram.sent()) == 3


def test_a_person_told_on_two_channels_gets_each_once_when_one_is_retried(
    cast: Cast, fake_telegram: FakeTelegram
) -> None:
    link(cast.users["owner"], 77, email=True)
    rows = notify(person=cast.users["owner"].person, key="k:5", subject="S", body="B")
    assert sorted(r.channel for r in rows) == ["email", "telegram"]
    fake_telegram.fail_next(429, "Too Many Requests: retry after 1", retry_after=1)
    for row in rows:
        assert notification_send.apply(args=[row.pk]).get() == "sent"
    for row in rows:  # the tasks delivered twice (a redelivered message)
        assert notification_send.apply(args=[row.pk]).get() == "skipped"
    assert len(mail.outbox) == 1
    assert [m["chat_id"] for m in fake_telegram.sent()] == [77]


def test_a_chat_that_blocked_the_bot_is_undeliverable_not_retried_and_unlinked(
    cast: Cast, fake_telegram: FakeTelegram
) -> None:
    link(cast.users["owner"], 88)
    fake_telegram.blocked.add(88)
    (row,) = notify(person=cast.users["owner"].person, key="k:6", subject="S", body="B")
    assert notification_send.apply(args=[row.pk]).get() == "undeliverable"
    assert [m for m, _ in fake_telegram.calls] == ["sendMessage:blocked"]  # one try
    preference = NotificationPreference.objects.get(user=cast.users["owner"])
    assert preference.telegram_chat_id is None
    # the next message takes the default channel
    (after,) = notify(person=cast.users["owner"].person, key="k:7", subject="S", body="B")
    assert after.channel == "email"


def test_an_sms_row_for_someone_without_a_phone_is_recorded_not_sent(cast: Cast) -> None:
    person = Person.objects.create(pinfl="30101900040001", full_name="No Phone")
    (row,) = notify(person=person, key="k:8", subject="S", body="B")
    assert (row.channel, notification_deliver(row.pk)) == ("email", "undeliverable")
