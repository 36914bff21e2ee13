"""A fake Telegram Bot API: a real HTTP server in a thread, answering as the Bot API does.

``POST /bot<token>/<method>`` with a JSON body; answers ``{"ok": true, "result": …}`` or
``{"ok": false, "error_code": …, "description": …[, "parameters": {"retry_after": …}]}``
with the same HTTP status. A wrong token gets 401 "Unauthorized", an unknown method 404
"Not Found". Chats in ``blocked`` get 403 "Forbidden: bot was blocked by the user"; a
test queues failures with ``fail_next(status, description, retry_after=…)``.

Use the ``fake_telegram`` fixture (import ``fake_telegram_fixture``): it starts the server
and points ``TELEGRAM_API_URL`` and ``TELEGRAM_BOT_TOKEN`` at it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

TOKEN = "123456:TEST-token_for-the-fake"
BOT = {"id": 123456, "is_bot": True, "first_name": "Mening Uyim", "username": "MeningUyimBot"}


@dataclass
class FakeTelegram:
    url: str = ""
    token: str = TOKEN
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    failures: list[tuple[int, str, int]] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_message_id: int = 1

    def fail_next(self, status: int, description: str, *, retry_after: int = 0) -> None:
        with self.lock:
            self.failures.append((status, description, retry_after))

    def sent(self) -> list[dict[str, Any]]:
        """The messages accepted (sendMessage calls answered ok)."""
        return [payload for method, payload in self.calls if method == "sendMessage:ok"]

    def answer(self, method: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            if self.failures:
                status, description, retry_after = self.failures.pop(0)
                self.calls.append((f"{method}:failed", payload))
                error: dict[str, Any] = {
                    "ok": False,
                    "error_code": status,
                    "description": description,
                }
                if retry_after:
                    error["parameters"] = {"retry_after": retry_after}
                return status, error
            if method == "getMe":
                return 200, {"ok": True, "result": BOT}
            if method == "setWebhook":
                if not str(payload.get("url", "")).startswith("https://"):
                    return 400, _error(400, "Bad Request: bad webhook: HTTPS url must be provided")
                self.webhook = dict(payload)
                self.calls.append((method, payload))
                return 200, {"ok": True, "result": True, "description": "Webhook was set"}
            if method == "deleteWebhook":
                self.webhook = {}
                self.calls.append((method, payload))
                return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}
            if method == "sendMessage":
                chat_id, text = payload.get("chat_id"), payload.get("text")
                if chat_id is None:
                    return 400, _error(400, "Bad Request: chat_id is empty")
                if not isinstance(text, str) or not text.strip():
                    return 400, _error(400, "Bad Request: message text is empty")
                if len(text) > 4096:
                    return 400, _error(400, "Bad Request: message is too long")
                if int(chat_id) in self.blocked:
                    self.calls.append((f"{method}:blocked", payload))
                    return 403, _error(403, "Forbidden: bot was blocked by the user")
                self.calls.append((f"{method}:ok", payload))
                message_id, self.next_message_id = self.next_message_id, self.next_message_id + 1
                chat = {"id": int(chat_id), "type": "private"}
                return 200, {
                    "ok": True,
                    "result": {"message_id": message_id, "date": 0, "chat": chat, "text": text},
                }
        return 404, _error(404, "Not Found")


def _error(code: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": code, "description": description}


def _handler(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            parts = self.path.lstrip("/").split("/")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if len(parts) != 2 or parts[0] != f"bot{fake.token}":
                self._reply(401, _error(401, "Unauthorized"))
                return
            try:
                payload = json.loads(raw or b"{}")
            except ValueError:
                self._reply(400, _error(400, "Bad Request: can't parse JSON"))
                return
            self._reply(*fake.answer(parts[1], payload))

        do_GET = do_POST

    return Handler


@pytest.fixture(name="fake_telegram")
def fake_telegram_fixture(settings: Any) -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.TELEGRAM_API_URL = fake.url
    settings.TELEGRAM_BOT_TOKEN = fake.token
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
