"""Sending SMS: one interface, ``send_sms(phone, text)``, and back-ends chosen by
``SMS_BACKEND``.

- ``console`` (the development default) writes the message to the log and stdout; in
  production it sends nothing and writes nothing (``NoGatewayBackend``: a sign-in code in a
  log would let its readers sign in), so the SMS sign-in answers "the SMS service is not
  answering" until ``SMS_BACKEND=gateway`` is set;
- ``gateway``: an Uzbek SMS gateway's REST API (``SMS_API_URL``, ``SMS_LOGIN``,
  ``SMS_PASSWORD``, ``SMS_SENDER``); tests drive it against a fake that follows the
  gateway's protocol (tests/accounts/fake_sms_gateway.py).

The gateway's protocol is Eskiz.uz's published one (``https://notify.eskiz.uz/api``):

- ``POST {SMS_API_URL}/auth/login`` with form fields ``email`` and ``password`` answers
  ``{"message": "token_generated", "data": {"token": "…"}, "token_type": "bearer"}``;
- ``POST {SMS_API_URL}/message/sms/send`` with ``Authorization: Bearer <token>`` and the
  form fields ``mobile_phone`` (digits, no "+": ``998901234567``), ``message``, ``from``
  (the sender name, ``SMS_SENDER``) and, optionally, ``callback_url`` (``SMS_CALLBACK_URL``,
  for delivery reports) answers ``{"id": "…", "message": "Waiting for SMS provider",
  "status": "waiting"}``;
- an expired or revoked token answers 401 (``{"status": "token-invalid", "message":
  "Expired token"}``). The token (valid for a month at Eskiz) is kept in Django's cache,
  shared by the web and Celery processes; on a 401 it is dropped, a new one is fetched
  with the login and password, and the message is sent once more.

A gateway that cannot be reached, answers late (``SMS_TIMEOUT_SECONDS``), answers 5xx,
refuses the credentials or the message, raises ``SmsGatewayError`` (an ``OSError``, so
that Celery's ``autoretry_for=(OSError,)`` retries a notification with backoff).
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

TOKEN_CACHE_KEY = "sms:gateway:token"  # noqa: S105 # a cache key, not a secret
TOKEN_CACHE_SECONDS = 25 * 24 * 3600  # Eskiz's tokens last 30 days; a 401 refreshes sooner


class SmsGatewayError(OSError):
    """The message was not accepted by the gateway (down, refused, misconfigured)."""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleBackend:
    """Development: the message is printed, so that a newcomer can read the code."""

    def send(self, phone: str, text: str) -> None:
        line = f"[SMS to {phone}] {text}"
        log.warning(line)
        print(line, file=sys.stdout, flush=True)


class _Unauthorized(Exception):
    """The gateway refused the bearer token (expired or revoked)."""


class GatewayBackend:
    """The Eskiz-style REST gateway (module docstring)."""

    def __init__(
        self,
        *,
        api_url: str,
        login: str,
        password: str,
        sender: str,
        callback_url: str = "",
        timeout: float = 5,
    ) -> None:
        if not (api_url and login and password):
            raise ImproperlyConfigured(
                "SMS_BACKEND=gateway needs SMS_API_URL, SMS_LOGIN and SMS_PASSWORD"
            )
        self.api_url = api_url.rstrip("/")
        self.login = login
        self.password = password
        self.sender = sender
        self.callback_url = callback_url
        self.timeout = timeout

    # --- the protocol ---------------------------------------------------------------

    def _post(self, path: str, data: dict[str, str], token: str | None = None) -> Any:
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = requests.post(
                f"{self.api_url}{path}", data=data, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:  # refused, reset, DNS, timeout …
            raise SmsGatewayError(f"SMS gateway unreachable: {exc.__class__.__name__}") from exc
        if response.status_code == 401 and token is not None:
            raise _Unauthorized
        if response.status_code >= 300:
            raise SmsGatewayError(f"SMS gateway answered {response.status_code} on {path}")
        try:
            return response.json()
        except ValueError as exc:
            raise SmsGatewayError(f"SMS gateway answered no JSON on {path}") from exc

    def _new_token(self) -> str:
        body = self._post("/auth/login", {"email": self.login, "password": self.password})
        data = body.get("data") if isinstance(body, dict) else None
        token = data.get("token") if isinstance(data, dict) else None
        if not token or not isinstance(token, str):
            raise SmsGatewayError("SMS gateway gave no token")
        cache.set(TOKEN_CACHE_KEY, token, TOKEN_CACHE_SECONDS)
        return token

    def _token(self) -> str:
        token = cache.get(TOKEN_CACHE_KEY)
        return token if isinstance(token, str) and token else self._new_token()

    def send(self, phone: str, text: str) -> None:
        data = {"mobile_phone": phone.lstrip("+"), "message": text, "from": self.sender}
        if self.callback_url:
            data["callback_url"] = self.callback_url
        try:
            body = self._post("/message/sms/send", data, token=self._token())
        except _Unauthorized:
            cache.delete(TOKEN_CACHE_KEY)
            try:
                body = self._post("/message/sms/send", data, token=self._new_token())
            except _Unauthorized as exc:
                raise SmsGatewayError("SMS gateway refused a fresh token") from exc
        if not isinstance(body, dict):
            raise SmsGatewayError("SMS gateway answered an unexpected body")
        status = body.get("status")
        if status in {"error", "failed", "rejected"}:
            raise SmsGatewayError(f"SMS gateway refused the message: {body.get('message')!r}")
        log.info("SMS to %s accepted by the gateway (id %s)", phone[:7] + "…", body.get("id"))


class NoGatewayBackend:
    """Production without a gateway: nothing is sent, and nothing is written to a log
    either (a code in a log would let whoever reads the log sign in as the owner)."""

    def send(self, phone: str, text: str) -> None:
        raise SmsGatewayError("no SMS gateway in production: set SMS_BACKEND=gateway")


def get_backend() -> SmsBackend:
    name = settings.SMS_BACKEND
    if name == "console":
        return NoGatewayBackend() if settings.PRODUCTION else ConsoleBackend()
    if name == "gateway":
        return GatewayBackend(
            api_url=settings.SMS_API_URL,
            login=settings.SMS_LOGIN,
            password=settings.SMS_PASSWORD,
            sender=settings.SMS_SENDER,
            callback_url=getattr(settings, "SMS_CALLBACK_URL", ""),
            timeout=getattr(settings, "SMS_TIMEOUT_SECONDS", 5),
        )
    raise ImproperlyConfigured(f"SMS_BACKEND: unknown back-end {name!r}")


def send_sms(phone: str, text: str) -> None:
    """Send ``text`` to ``phone`` (+998…); raises SmsGatewayError when it cannot."""
    get_backend().send(phone, text)
