"""The SMS interface (accounts.sms): the console back-end, and the gateway back-end
against a fake that speaks the gateway's protocol (Eskiz.uz's) over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from accounts.sms import TOKEN_CACHE_KEY, GatewayBackend, SmsGatewayError, send_sms
from tests.accounts.fake_sms_gateway import FakeSmsGateway, sms_gateway  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+998901234567"


def test_console_back_end_prints_the_message(settings: Any, capsys: Any) -> None:
    settings.SMS_BACKEND = "console"
    send_sms(PHONE, "kod 123456")
    assert "[SMS to +998901234567] kod 123456" in capsys.readouterr().out


def test_gateway_gets_a_token_then_sends_with_the_protocol_fields(
    sms_gateway: FakeSmsGateway,  # noqa: F811
    settings: Any,
) -> None:
    settings.SMS_SENDER = "MeningUyim"
    settings.SMS_CALLBACK_URL = "https://meninguyim.uz/sms/status"
    send_sms(PHONE, "Kod: 123456")
    [sent] = sms_gateway.outbox
    assert sent.mobile_phone == "998901234567"  # digits, without "+"
    assert sent.message == "Kod: 123456"
    assert sent.sender == "MeningUyim"
    assert sent.callback_url == "https://meninguyim.uz/sms/status"
    assert [p for p, _t in sms_gateway.requests] == ["/api/auth/login", "/api/message/sms/send"]
    assert sent.token in sms_gateway.tokens


def test_gateway_token_is_cached_between_messages(
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    send_sms(PHONE, "birinchi")
    send_sms(PHONE, "ikkinchi")
    assert sms_gateway.logins == 1
    assert len(sms_gateway.outbox) == 2
    assert cache.get(TOKEN_CACHE_KEY) == sms_gateway.outbox[0].token


def test_gateway_token_refreshed_on_401_and_the_message_sent_once(
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    send_sms(PHONE, "birinchi")
    old = sms_gateway.outbox[0].token
    sms_gateway.expire_tokens()
    send_sms(PHONE, "ikkinchi")
    assert sms_gateway.logins == 2
    assert [m.message for m in sms_gateway.outbox] == ["birinchi", "ikkinchi"]
    assert sms_gateway.outbox[1].token != old
    assert cache.get(TOKEN_CACHE_KEY) == sms_gateway.outbox[1].token
    # the refused attempt, the new login, the retry
    assert [p for p, _t in sms_gateway.requests[-3:]] == [
        "/api/message/sms/send",
        "/api/auth/login",
        "/api/message/sms/send",
    ]


def test_gateway_answering_503_raises(sms_gateway: FakeSmsGateway) -> None:  # noqa: F811
    sms_gateway.down()
    with pytest.raises(SmsGatewayError):
        send_sms(PHONE, "x")
    assert sms_gateway.outbox == []


def test_gateway_answering_503_to_a_message_raises(
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    send_sms(PHONE, "birinchi")  # the token is cached: the next call goes straight to send
    sms_gateway.down()
    with pytest.raises(SmsGatewayError, match="503"):
        send_sms(PHONE, "ikkinchi")
    assert [m.message for m in sms_gateway.outbox] == ["birinchi"]


def test_gateway_refusing_connections_raises(sms_gateway: FakeSmsGateway) -> None:  # noqa: F811
    sms_gateway.stop()
    with pytest.raises(SmsGatewayError):
        send_sms(PHONE, "x")


def test_gateway_answering_late_raises(
    sms_gateway: FakeSmsGateway,  # noqa: F811
    settings: Any,
) -> None:
    settings.SMS_TIMEOUT_SECONDS = 0.2
    sms_gateway.delay = 1.0
    with pytest.raises(SmsGatewayError):
        send_sms(PHONE, "x")


def test_gateway_refusing_the_credentials_raises(
    sms_gateway: FakeSmsGateway,  # noqa: F811
    settings: Any,
) -> None:
    settings.SMS_PASSWORD = "wrong"
    with pytest.raises(SmsGatewayError):
        send_sms(PHONE, "x")
    assert sms_gateway.outbox == []


def test_gateway_refusing_the_message_raises(sms_gateway: FakeSmsGateway) -> None:  # noqa: F811
    with pytest.raises(SmsGatewayError):
        send_sms("+99890", "x")  # the fake answers 400 to a malformed number


def test_gateway_error_is_an_oserror_for_celery_retries() -> None:
    assert issubclass(SmsGatewayError, OSError)


def test_gateway_back_end_needs_its_configuration() -> None:
    with pytest.raises(Exception, match="SMS_API_URL"):
        GatewayBackend(api_url="", login="a", password="b", sender="4546")


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SMS_", "DJANGO_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import mening_uyim.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_require_the_gateway_account_with_the_gateway_back_end() -> None:
    result = _settings_with({"SMS_BACKEND": "gateway", "SMS_LOGIN": "a@b.uz"})
    assert result.returncode != 0
    assert "SMS_API_URL" in result.stderr
    assert "SMS_PASSWORD" in result.stderr


def test_settings_refuse_a_malformed_rate_limit() -> None:
    result = _settings_with({"SMS_CODE_REQUEST_RATE_LIMIT": "many"})
    assert result.returncode != 0
    assert "SMS_CODE_REQUEST_RATE_LIMIT" in result.stderr


def test_settings_refuse_an_unknown_back_end() -> None:
    result = _settings_with({"SMS_BACKEND": "pigeon"})
    assert result.returncode != 0
    assert "SMS_BACKEND" in result.stderr


def test_production_without_a_gateway_sends_nothing_and_logs_no_code(
    settings: Any, capsys: Any, caplog: Any
) -> None:
    """A sign-in code in a log would let whoever reads it sign in as the owner."""
    settings.PRODUCTION, settings.SMS_BACKEND = True, "console"
    with pytest.raises(SmsGatewayError):
        send_sms("+998901112233", "Mening Uyim: your sign-in code is 123456.")
    assert "123456" not in capsys.readouterr().out
    assert "123456" not in caplog.text
