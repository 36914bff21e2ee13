"""A fake of the SMS gateway (accounts.sms, Eskiz.uz's protocol): a real HTTP server on
loopback, in a thread, so that the gateway back-end is tested over real sockets.

- ``POST /auth/login`` (form ``email``, ``password``) → a new bearer token, or 401;
- ``POST /message/sms/send`` (bearer token; form ``mobile_phone``, ``message``, ``from``,
  ``callback_url``) → ``{"id", "message": "Waiting for SMS provider", "status":
  "waiting"}`` and the message in ``outbox``; a token that ``expire_tokens()`` expired
  → 401 ``{"status": "token-invalid", "message": "Expired token"}``;
- ``down()`` → every request answers 503; ``stop()`` → the port refuses connections;
  ``delay`` → answers late (past the client's timeout).

The fixture ``sms_gateway`` starts one and points the settings at it (``SMS_BACKEND=
gateway``); the tests read the codes from its outbox (``code_for(phone)``).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

LOGIN = "mening-uyim@example.uz"
PASSWORD = "fake-gateway-password"


@dataclass(frozen=True)
class Sent:
    mobile_phone: str
    message: str
    sender: str
    callback_url: str
    token: str


class FakeSmsGateway:
    def __init__(self, *, login: str = LOGIN, password: str = PASSWORD) -> None:
        self.login = login
        self.password = password
        self.outbox: list[Sent] = []
        self.requests: list[tuple[str, str]] = []  # (path, token or "")
        self.tokens: set[str] = set()
        self.logins = 0
        self.is_down = False
        self.delay = 0.0  # seconds before answering: longer than the client's timeout = late
        self._stopped = False
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                fake._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    # --- modes ------------------------------------------------------------------------

    def down(self) -> None:
        self.is_down = True

    def up(self) -> None:
        self.is_down = False

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.server.shutdown()
        self.server.server_close()

    # --- reading ----------------------------------------------------------------------

    def messages_to(self, phone: str) -> list[Sent]:
        digits = phone.lstrip("+")
        return [m for m in self.outbox if m.mobile_phone == digits]

    def code_for(self, phone: str) -> str:
        """The code of the last message to ``phone`` (+998…)."""
        sent = self.messages_to(phone)
        assert sent, f"no SMS to {phone}"
        match = re.search(r"\b(\d{6})\b", sent[-1].message)
        assert match, sent[-1].message
        return match.group(1)

    # --- the protocol -----------------------------------------------------------------

    def _reply(self, handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode()
        form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        auth = handler.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else ""
        path = handler.path
        with self._lock:
            self.requests.append((path, token))
        if self.delay:
            time.sleep(self.delay)
        if self.is_down:
            self._reply(handler, 503, {"message": "Service Unavailable"})
        elif path == "/api/auth/login":
            if form.get("email") != self.login or form.get("password") != self.password:
                self._reply(handler, 401, {"message": "Invalid credentials"})
                return
            new = uuid.uuid4().hex
            with self._lock:
                self.tokens.add(new)
                self.logins += 1
            self._reply(
                handler,
                200,
                {"message": "token_generated", "data": {"token": new}, "token_type": "bearer"},
            )
        elif path == "/api/message/sms/send":
            if token not in self.tokens:
                self._reply(handler, 401, {"status": "token-invalid", "message": "Expired token"})
                return
            if not re.fullmatch(r"998\d{9}", form.get("mobile_phone", "")):
                self._reply(handler, 400, {"status": "error", "message": "Invalid phone"})
                return
            sent = Sent(
                mobile_phone=form["mobile_phone"],
                message=form.get("message", ""),
                sender=form.get("from", ""),
                callback_url=form.get("callback_url", ""),
                token=token,
            )
            with self._lock:
                self.outbox.append(sent)
            self._reply(
                handler,
                200,
                {
                    "id": str(uuid.uuid4()),
                    "message": "Waiting for SMS provider",
                    "status": "waiting",
                },
            )
        else:
            self._reply(handler, 404, {"message": "Not Found"})


@pytest.fixture
def sms_gateway(settings: Any) -> Iterator[FakeSmsGateway]:
    fake = FakeSmsGateway()
    settings.SMS_BACKEND = "gateway"
    settings.SMS_API_URL = fake.url
    settings.SMS_LOGIN = LOGIN
    settings.SMS_PASSWORD = PASSWORD
    settings.SMS_SENDER = "4546"
    settings.SMS_TIMEOUT_SECONDS = 2
    try:
        yield fake
    finally:
        fake.delay = 0
        fake.stop()
