"""The project's Telegram bot, behind one small interface (issue 15, notifications).

- ``send_message(chat_id, text)`` sends a plain-text message;
- ``set_webhook(url)`` / ``delete_webhook()`` register where Telegram posts updates;
- ``get_me()`` checks the token.

The real client speaks the published Bot API: ``POST {TELEGRAM_API_URL}/bot<token>/<method>``
with a JSON body, answered by ``{"ok": true, "result": …}`` or ``{"ok": false,
"error_code": …, "description": …, "parameters": {"retry_after": …}}``. Without
``TELEGRAM_BOT_TOKEN`` (development) messages are printed instead, as SMS are.

Errors are split by what a retry can do:

- ``TelegramError`` (an ``OSError``): Telegram unreachable, a 5xx, a 429 flood limit or an
  answer that is not the Bot API's: Celery's ``autoretry_for=(OSError,)`` retries it;
- ``TelegramUndeliverable``: Telegram refused this chat for good (403 "bot was blocked by
  the user", 400 "chat not found", …): retrying would not help, the message is
  recorded as undeliverable.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import requests
from django.conf import settings

log = logging.getLogger(__name__)

# Bot API limits: a message's text is 1-4096 characters.
MAX_TEXT = 4096
TIMEOUT = (5, 15)  # connect, read (seconds): a worker never waits for ever


class TelegramError(OSError):
    """The call did not go through; a later try may (down, 5xx, 429, garbage)."""

    def __init__(self, message: str, *, error_code: int | None = None, retry_after: int = 0):
        super().__init__(message)
        self.error_code = error_code
        self.retry_after = retry_after


class TelegramUndeliverable(Exception):
    """Telegram refused the call for this chat for good (blocked, chat not found)."""

    def __init__(self, message: str, *, error_code: int):
        super().__init__(message)
        self.error_code = error_code


def _token() -> str:
    return str(settings.TELEGRAM_BOT_TOKEN)


def call(method: str, payload: dict[str, Any]) -> Any:
    """Call one Bot API method and return its ``result``."""
    url = f"{settings.TELEGRAM_API_URL}/bot{_token()}/{method}"
    try:
        response = requests.post(url, json=payload, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise TelegramError(f"Telegram {method}: {exc.__class__.__name__}") from None
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or "ok" not in answer:
        raise TelegramError(
            f"Telegram {method}: HTTP {response.status_code}, not a Bot API answer",
            error_code=response.status_code,
        )
    if answer["ok"] is True:
        return answer.get("result")
    code = int(answer.get("error_code") or response.status_code)
    description = str(answer.get("description", ""))
    parameters = answer.get("parameters") or {}
    if code == 429 or code >= 500:
        retry_after = int(parameters.get("retry_after") or 0) if code == 429 else 0
        raise TelegramError(
            f"Telegram {method}: {code} {description}", error_code=code, retry_after=retry_after
        )
    if code in (400, 403) and "chat_id" in payload:
        # blocked by the user, deactivated, chat not found: about this chat, for good
        raise TelegramUndeliverable(f"Telegram {method}: {code} {description}", error_code=code)
    # 401 (a wrong token), 404 (a wrong method) and other refusals are the installation's
    # fault: retried, so that a fixed configuration still delivers the backlog.
    raise TelegramError(f"Telegram {method}: {code} {description}", error_code=code)


def send_message(chat_id: int, text: str) -> dict[str, Any] | None:
    """Send ``text`` (plain, no markup) to a chat; returns the Bot API's Message."""
    text = text[:MAX_TEXT] or "…"
    if not _token():
        line = f"[Telegram to {chat_id}] {text}"
        log.warning(line)
        print(line, file=sys.stdout, flush=True)
        return None
    result = call("sendMessage", {"chat_id": chat_id, "text": text})
    return result if isinstance(result, dict) else None


def set_webhook(url: str, *, secret_token: str, drop_pending_updates: bool = False) -> bool:
    """Tell Telegram to post the bot's updates to ``url``, with our secret in the
    ``X-Telegram-Bot-Api-Secret-Token`` header; only the updates the webhook handles."""
    return bool(
        call(
            "setWebhook",
            {
                "url": url,
                "secret_token": secret_token,
                "allowed_updates": ["message", "my_chat_member"],
                "drop_pending_updates": drop_pending_updates,
            },
        )
    )


def delete_webhook() -> bool:
    return bool(call("deleteWebhook", {}))


def get_me() -> dict[str, Any]:
    result = call("getMe", {})
    return result if isinstance(result, dict) else {}
