"""Brute force on the providers' credentials (issue 13, point 6): wrong Payme keys and
wrong Click signatures are counted per client IP; past PAYMENT_AUTH_FAILED_RATE_LIMIT the
endpoint answers the protocol's refusal (HTTP 200, -32504 or -1) even to the right key,
writes nothing, and another address is not affected."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from billing.models import ProviderTransaction
from billing.payments import messages as m
from tests.access import snapshot
from tests.billing.conftest import Estate
from tests.billing.payment_calls import (
    CLICK_PREPARE_URL,
    basic,
    click_fields,
    click_post,
    create_params,
    payme,
)

pytestmark = pytest.mark.django_db
LIMIT = 3


@pytest.fixture(autouse=True)
def _limit(settings: Any) -> None:
    settings.PAYMENT_AUTH_FAILED_RATE_LIMIT = f"{LIMIT}/5m"


def _from(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def _code(reply: dict[str, Any]) -> int | None:
    return reply.get("error", {}).get("code")


def test_the_default_limit_is_configured(settings: Any) -> None:
    from mening_uyim import settings as project

    assert project.PAYMENT_AUTH_FAILED_RATE_LIMIT == "10/5m"


def test_payme_locks_an_address_out_after_the_limit_of_wrong_keys(estate: Estate) -> None:
    attacker, payme_server = _from("203.0.113.9"), _from("185.234.113.1")
    params = create_params(estate.flats[0].account_number)
    for i in range(LIMIT):
        reply = payme(attacker, "CreateTransaction", params, auth=basic(key=f"guess-{i}"))
        assert _code(reply) == m.INSUFFICIENT_PRIVILEGE
        assert reply["id"] == 7
    before = snapshot()
    # the right key, from the locked address: still refused, nothing written
    locked = payme(attacker, "CreateTransaction", params)
    assert _code(locked) == m.INSUFFICIENT_PRIVILEGE
    assert locked["id"] == 7
    assert snapshot() == before
    # Payme's own server, from its address, is not affected
    assert payme(payme_server, "CreateTransaction", params)["result"]["state"] == 1


def test_payme_right_keys_are_not_counted(estate: Estate) -> None:
    server = _from("185.234.113.1")
    for _ in range(LIMIT + 2):
        params = create_params(estate.flats[0].account_number)
        assert "result" in payme(server, "CheckPerformTransaction", params)


def test_click_locks_an_address_out_after_the_limit_of_wrong_signatures(
    estate: Estate,
) -> None:
    account = estate.flats[0].account_number
    attacker, click_server = _from("203.0.113.9"), _from("194.31.112.1")
    for i in range(LIMIT):
        forged = click_fields(account, click_trans_id=str(4000 + i), secret=f"guess-{i}")
        assert click_post(attacker, CLICK_PREPARE_URL, forged)["error"] == m.CLICK_SIGN_FAILED
    before = snapshot()
    signed = click_fields(account, click_trans_id="4100")
    locked = click_post(attacker, CLICK_PREPARE_URL, signed)
    assert locked["error"] == m.CLICK_SIGN_FAILED
    assert locked["click_trans_id"] == 4100
    assert locked["merchant_prepare_id"] is None
    assert snapshot() == before
    assert not ProviderTransaction.objects.exists()
    assert click_post(click_server, CLICK_PREPARE_URL, signed)["error"] == 0
