"""Persona matrix of the notification settings and the Telegram bot (issue 15).

Every login manages only its own settings (no id in any URL): anonymous → the login page;
any persona → its own (bad input: 400, nothing changes). The webhook is a machine route:
a browser session of any persona, without Telegram's secret header, gets 403 and no table
changes (tests/accounts/test_telegram_bot.py has the right secret's tests)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accounts.notifications import telegram_code_create
from mening_uyim.demo import Cast
from tests.access import ALL, LOGIN, Case, check, snapshot

pytestmark = pytest.mark.django_db

ROUTES = {
    "accounts:notify-settings",
    "accounts:telegram-link",
    "accounts:telegram-unlink",
    "accounts:telegram-webhook",
}

CASES = [
    Case("settings (read)", lambda c: "/me/notifications/", {"default": 405, "anonymous": LOGIN}),
    Case(
        "settings (bad input)",
        lambda c: "/me/notifications/",
        {"default": 400, "anonymous": LOGIN},
        method="post",
        data={"email": "on", "language": "xx"},
    ),
    Case(
        "telegram link (read)",
        lambda c: "/me/notifications/telegram/link/",
        {"default": 405, "anonymous": LOGIN},
    ),
    Case(
        "telegram unlink, nothing linked",
        lambda c: "/me/notifications/telegram/unlink/",
        {"default": 302, "anonymous": LOGIN},
        method="post",
    ),
]


@pytest.fixture(autouse=True)
def offered(settings: Any) -> None:
    settings.NOTIFY_CHANNELS = ["email", "sms", "telegram"]
    settings.TELEGRAM_WEBHOOK_SECRET = "the-secret"


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)


@pytest.mark.parametrize("key", ALL)
def test_a_browser_session_gets_nothing_from_the_webhook(cast: Cast, key: str) -> None:
    browser = Client(enforce_csrf_checks=True)
    if key != "anonymous":
        browser.force_login(cast.users[key])
    code, _ = telegram_code_create(user=cast.users["owner"])
    body = json.dumps(
        {
            "update_id": 1,
            "message": {"chat": {"id": 7, "type": "private"}, "text": f"/start {code}"},
        }
    )
    before = snapshot()
    url = "/me/notifications/telegram/webhook/"
    for response in (
        browser.post(url, body, content_type="application/json"),
        browser.post(
            url,
            body,
            content_type="application/json",
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="a-guess",
        ),
        browser.get(url),
    ):
        assert response.status_code == 403
    assert snapshot() == before
