"""Calls as the providers make them: Payme's JSON-RPC with HTTP Basic, Click's signed forms."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
from typing import Any

from django.conf import settings
from django.test import Client

PAYME_URL = "/api/v1/payments/payme/"
CLICK_PREPARE_URL = "/api/v1/payments/click/prepare/"
CLICK_COMPLETE_URL = "/api/v1/payments/click/complete/"
_ids = itertools.count(1)


def basic(login: str = "Paycom", key: str | None = None) -> str:
    raw = f"{login}:{settings.PAYME_KEY if key is None else key}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def payme_id() -> str:
    """A fresh 24-character id, as Payme's ids are."""
    return f"{next(_ids):024x}"


def now_ms() -> int:
    from django.utils import timezone

    return int(timezone.now().timestamp() * 1000)


def payme(
    client: Client,
    method: str,
    params: dict[str, Any],
    *,
    auth: str | None = None,
    request_id: int = 7,
) -> dict[str, Any]:
    body = json.dumps({"method": method, "params": params, "id": request_id})
    return payme_raw(client, body, auth=auth)


def payme_raw(client: Client, body: bytes | str, *, auth: str | None = None) -> dict[str, Any]:
    """POST ``body``; ``auth`` None sends the right key, "" no Authorization header."""
    header = basic() if auth is None else auth
    extra: dict[str, Any] = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post(PAYME_URL, body, content_type="application/json", **extra)
    assert response.status_code == 200
    return response.json()


def create_params(
    account: str, amount: int = 500_000, *, pid: str | None = None, time: int | None = None
) -> dict[str, Any]:
    return {
        "id": pid or payme_id(),
        "time": now_ms() if time is None else time,
        "amount": amount,
        "account": {"account": account},
    }


def click_sign(fields: dict[str, str], *, secret: str | None = None) -> str:
    parts = [
        fields["click_trans_id"],
        fields["service_id"],
        settings.CLICK_SECRET_KEY if secret is None else secret,
        fields["merchant_trans_id"],
    ]
    if fields["action"] == "1":
        parts.append(fields["merchant_prepare_id"])
    parts += [fields["amount"], fields["action"], fields["sign_time"]]
    return hashlib.md5("".join(parts).encode(), usedforsecurity=False).hexdigest()


def click_fields(
    account: str,
    amount: str = "5000.00",
    *,
    click_trans_id: str = "3001",
    action: str = "0",
    prepare_id: int | None = None,
    error: str = "0",
    sign_time: str | None = None,
    secret: str | None = None,
) -> dict[str, str]:
    fields = {
        "click_trans_id": click_trans_id,
        "service_id": settings.CLICK_SERVICE_ID,
        "click_paydoc_id": str(int(click_trans_id) + 900_000),
        "merchant_trans_id": account,
        "amount": amount,
        "action": action,
        "error": error,
        "error_note": "Success" if error == "0" else "Payment failed",
        "sign_time": sign_time or dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
    }
    if action == "1":
        fields["merchant_prepare_id"] = str(prepare_id)
    fields["sign_string"] = click_sign(fields, secret=secret)
    return fields


def click_post(client: Client, url: str, fields: dict[str, str]) -> dict[str, Any]:
    response = client.post(url, fields)
    assert response.status_code == 200
    return response.json()


def click_prepare(client: Client, account: str, amount: str = "5000.00", **kw: Any) -> dict:
    return click_post(client, CLICK_PREPARE_URL, click_fields(account, amount, **kw))


def click_complete(
    client: Client, account: str, prepare_id: int, amount: str = "5000.00", **kw: Any
) -> dict:
    fields = click_fields(account, amount, action="1", prepare_id=prepare_id, **kw)
    return click_post(client, CLICK_COMPLETE_URL, fields)
