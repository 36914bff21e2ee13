"""The Telegram bot: the Bot API client against a fake that answers as Telegram does,
linking a chat by ``/start <code>`` through the webhook, and unlinking (issue 15)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts import telegram
from accounts.models import NotificationPreference, TelegramLinkCode
from accounts.notifications import telegram_code_create
from mening_uyim.demo import Cast
from tests.access import snapshot
from tests.accounts.fake_telegram import FakeTelegram, fake_telegram_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
SECRET = "webhook-Secret_42"
URL = "/me/notifications/telegram/webhook/"


@pytest.fixture
def webhook(settings: Any, fake_telegram: FakeTelegram) -> Iterator[FakeTelegram]:
    """The webhook configured, the bot's API faked and the reply tasks run at once."""
    from mening_uyim.celery import app

    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.NOTIFY_CHANNELS = ["email", "sms", "telegram"]
    app.conf.task_always_eager = True
    try:
        yield fake_telegram
    finally:
        app.conf.task_always_eager = False


def update(text: str, chat_id: int = 5001, **extra: Any) -> dict[str, Any]:
    return {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": chat_id, "type": "private", **extra},
            "from": {"id": chat_id, "is_bot": False, "first_name": "A", "language_code": "ru"},
            "text": text,
        },
    }


def post(client: Client, body: Any, secret: str = SECRET, capture: Any = None) -> Any:
    return client.post(
        URL,
        json.dumps(body),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=secret,
    )


def deliver(client: Client, body: Any, capture: Any) -> Any:
    with capture(execute=True):
        return post(client, body)


# --- the client ----------------------------------------------------------------------------


def test_send_message_posts_the_bot_apis_json(fake_telegram: FakeTelegram) -> None:
    result = telegram.send_message(42, "Salom")
    assert result is not None
    assert result["chat"]["id"] == 42
    assert fake_telegram.calls == [("sendMessage:ok", {"chat_id": 42, "text": "Salom"})]


@pytest.mark.parametrize(
    ("status", "description", "retry_after"),
    [(500, "Internal Server Error", 0), (502, "Bad Gateway", 0), (429, "Too Many Requests", 7)],
)
def test_a_server_error_or_a_flood_limit_is_an_oserror_to_retry(
    fake_telegram: FakeTelegram, status: int, description: str, retry_after: int
) -> None:
    fake_telegram.fail_next(status, description, retry_after=retry_after)
    with pytest.raises(telegram.TelegramError) as caught:
        telegram.send_message(42, "Salom")
    assert isinstance(caught.value, OSError)
    assert (caught.value.error_code, caught.value.retry_after) == (status, retry_after)


def test_a_blocked_bot_is_undeliverable_not_an_oserror(fake_telegram: FakeTelegram) -> None:
    fake_telegram.blocked.add(42)
    with pytest.raises(telegram.TelegramUndeliverable) as caught:
        telegram.send_message(42, "Salom")
    assert not isinstance(caught.value, OSError)
    assert caught.value.error_code == 403


def test_a_wrong_token_or_an_unreachable_api_is_retried(
    fake_telegram: FakeTelegram, settings: Any
) -> None:
    settings.TELEGRAM_BOT_TOKEN = "1:wrong"
    with pytest.raises(telegram.TelegramError) as caught:
        telegram.send_message(42, "Salom")
    assert caught.value.error_code == 401
    settings.TELEGRAM_API_URL = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(telegram.TelegramError):
        telegram.send_message(42, "Salom")


def test_a_long_text_is_cut_to_the_bot_apis_limit(fake_telegram: FakeTelegram) -> None:
    telegram.send_message(42, "x" * 5000)
    assert len(fake_telegram.sent()[0]["text"]) == telegram.MAX_TEXT


def test_the_command_sets_the_webhook_with_the_secret(
    webhook: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("telegram_set_webhook", "https://meninguyim.uz", "--json")
    assert webhook.webhook["url"] == f"https://meninguyim.uz{URL}"
    assert webhook.webhook["secret_token"] == SECRET
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["ok"] is True
    call_command("telegram_set_webhook", "--delete", "--json")
    assert webhook.webhook == {}


# --- the webhook ---------------------------------------------------------------------------


def test_without_a_secret_configured_the_webhook_is_not_there(
    client: Client, settings: Any
) -> None:
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert post(client, update("/start x"), secret="").status_code == 404


def test_a_wrong_secret_gets_403_and_changes_nothing(
    client: Client, cast: Cast, webhook: FakeTelegram
) -> None:
    code, _ = telegram_code_create(user=cast.users["owner"])
    before = snapshot()
    for secret in ("wrong", "", SECRET + "x"):
        assert post(client, update(f"/start {code}"), secret=secret).status_code == 403
    assert snapshot() == before
    assert webhook.calls == []


def test_start_with_a_code_links_the_chat_and_the_bot_replies(
    client: Client, cast: Cast, webhook: FakeTelegram, django_capture_on_commit_callbacks: Any
) -> None:
    owner = cast.users["owner"]
    NotificationPreference.objects.create(user=owner, language="en")
    code, _ = telegram_code_create(user=owner)
    response = deliver(client, update(f"/start {code}"), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    preference = NotificationPreference.objects.get(user=owner)
    assert (preference.telegram_chat_id, preference.telegram) == (5001, True)
    assert preference.telegram_linked_at is not None
    assert TelegramLinkCode.objects.get(user=owner).used_at is not None
    (reply,) = webhook.sent()
    assert reply["chat_id"] == 5001
    assert "linked" in reply["text"]  # in the login's English


def test_only_the_codes_hash_is_stored(cast: Cast) -> None:
    code, _ = telegram_code_create(user=cast.users["owner"])
    row = TelegramLinkCode.objects.get()
    assert code not in json.dumps(list(TelegramLinkCode.objects.values_list()), default=str)
    assert len(row.code_hash) == 64


def test_a_code_is_single_use(
    client: Client, cast: Cast, webhook: FakeTelegram, django_capture_on_commit_callbacks: Any
) -> None:
    code, _ = telegram_code_create(user=cast.users["owner"])
    deliver(client, update(f"/start {code}", chat_id=1), django_capture_on_commit_callbacks)
    # Telegram redelivers the same update: still linked, nothing else changes
    deliver(client, update(f"/start {code}", chat_id=1), django_capture_on_commit_callbacks)
    assert NotificationPreference.objects.get(user=cast.users["owner"]).telegram_chat_id == 1
    # another chat with the same code: refused, the link stays
    deliver(client, update(f"/start {code}", chat_id=2), django_capture_on_commit_callbacks)
    assert NotificationPreference.objects.get(user=cast.users["owner"]).telegram_chat_id == 1
    assert [m["chat_id"] for m in webhook.sent()] == [1, 1, 2]  # 2 is told the link is used


@pytest.mark.parametrize(
    ("after", "linked"), [(dt.timedelta(seconds=899), True), (dt.timedelta(seconds=900), False)]
)
def test_a_code_expires_after_fifteen_minutes(
    client: Client,
    cast: Cast,
    webhook: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
    after: dt.timedelta,
    linked: bool,
) -> None:
    start = timezone.now()
    code, expires_at = telegram_code_create(user=cast.users["owner"])
    assert expires_at - start < dt.timedelta(seconds=901)
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: expires_at - dt.timedelta(seconds=900) + after
    )
    post(client, update(f"/start {code}"))
    chat = NotificationPreference.objects.filter(user=cast.users["owner"]).values_list(
        "telegram_chat_id", flat=True
    )
    assert (list(chat) == [5001]) is linked


def test_a_new_code_replaces_the_unused_one(
    cast: Cast, client: Client, webhook: FakeTelegram
) -> None:
    old, _ = telegram_code_create(user=cast.users["owner"])
    telegram_code_create(user=cast.users["owner"])
    assert TelegramLinkCode.objects.count() == 1
    post(client, update(f"/start {old}"))
    assert not NotificationPreference.objects.filter(telegram_chat_id=5001).exists()


def test_a_chat_linked_to_another_login_is_not_taken_over(
    client: Client, cast: Cast, webhook: FakeTelegram
) -> None:
    NotificationPreference.objects.create(user=cast.users["co_owner"], telegram_chat_id=5001)
    code, _ = telegram_code_create(user=cast.users["owner"])
    post(client, update(f"/start {code}"))
    assert NotificationPreference.objects.get(telegram_chat_id=5001).user == cast.users["co_owner"]
    assert TelegramLinkCode.objects.get().used_at is None  # usable after /stop


def test_stop_or_blocking_the_bot_unlinks_the_chat(
    client: Client, cast: Cast, webhook: FakeTelegram
) -> None:
    owner = cast.users["owner"]
    NotificationPreference.objects.create(user=owner, telegram=True, telegram_chat_id=5001)
    assert post(client, update("/stop")).status_code == 200
    assert NotificationPreference.objects.get(user=owner).telegram_chat_id is None
    NotificationPreference.objects.filter(user=owner).update(telegram_chat_id=5001)
    kicked = {
        "update_id": 2,
        "my_chat_member": {
            "chat": {"id": 5001, "type": "private"},
            "new_chat_member": {"status": "kicked", "user": {"id": 1, "is_bot": True}},
        },
    }
    assert post(client, kicked).status_code == 200
    assert NotificationPreference.objects.get(user=owner).telegram_chat_id is None


@pytest.mark.parametrize(
    "body",
    [
        update("hello"),
        update("/start"),
        update("/start ../../x"),
        {"update_id": 3},
        [1, 2],
        "x",
        # malformed shapes: ignored, never a 500
        {"update_id": 4, "message": {"chat": "x", "from": [1], "text": "/start abc"}},
        {"update_id": 5, "my_chat_member": {"chat": 7, "new_chat_member": "kicked"}},
    ],
)
def test_any_update_gets_200_and_changes_no_link(
    client: Client, cast: Cast, webhook: FakeTelegram, body: Any
) -> None:
    before = snapshot()
    assert post(client, body).status_code == 200
    assert snapshot() == before


def test_a_body_that_is_not_json_gets_200(client: Client, webhook: FakeTelegram) -> None:
    response = client.post(
        URL, "{", content_type="application/json", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET
    )
    assert response.status_code == 200


def test_a_group_chat_is_not_linked(client: Client, cast: Cast, webhook: FakeTelegram) -> None:
    code, _ = telegram_code_create(user=cast.users["owner"])
    body = update(f"/start {code}", chat_id=-100)
    body["message"]["chat"]["type"] = "group"
    assert post(client, body).status_code == 200
    assert not NotificationPreference.objects.filter(telegram_chat_id=-100).exists()
