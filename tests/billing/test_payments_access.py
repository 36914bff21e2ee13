"""Persona matrix of the payment providers' endpoints (issue 10, "Bad input and access").

They are machine-to-machine: no login, the caller is authenticated by Payme's key or Click's
signature (tests/test_routes.py lists them as MACHINE). A browser session of any persona,
with whatever it sends, gets nothing more than the refusal a wrong key gets: -32504 from
Payme, -1 (or -8 for a request that is not even Click's) from Click, always HTTP 200, and
no table changes.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from mening_uyim.demo import Cast
from tests.access import ALL, snapshot
from tests.billing.conftest import Estate
from tests.billing.payment_calls import (
    CLICK_COMPLETE_URL,
    CLICK_PREPARE_URL,
    PAYME_URL,
    click_fields,
    create_params,
)
from tests.test_routes import MACHINE

pytestmark = pytest.mark.django_db

ROUTES = {"api:payments-payme", "api:payments-click-prepare", "api:payments-click-complete"}


def test_the_machine_routes_are_these() -> None:
    assert ROUTES == MACHINE


def _as(client: Client, cast: Cast, key: str) -> Client:
    enforcing = Client(enforce_csrf_checks=True)  # a browser: its session, its CSRF rules
    if key != "anonymous":
        enforcing.force_login(cast.users[key])
    return enforcing


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("method", ["CreateTransaction", "PerformTransaction", "GetStatement"])
def test_a_browser_session_gets_a_wrong_key_reply_from_payme(
    client: Client, cast: Cast, estate: Estate, key: str, method: str
) -> None:
    browser = _as(client, cast, key)
    params = create_params(estate.flats[0].account_number)
    params.update({"from": 0, "to": 2**40})
    body = json.dumps({"method": method, "params": params, "id": 1})
    before = snapshot()
    for response in (
        browser.post(PAYME_URL, body, content_type="application/json"),
        browser.get(PAYME_URL),
    ):
        assert response.status_code == 200
        assert response.json()["error"]["code"] == -32504
        assert "result" not in response.json()
    assert snapshot() == before


@pytest.mark.parametrize("key", ALL)
def test_a_browser_session_gets_a_refusal_from_click(
    client: Client, cast: Cast, estate: Estate, key: str
) -> None:
    browser = _as(client, cast, key)
    account = estate.flats[0].account_number
    before = snapshot()
    prepare = click_fields(account, secret="a browser has no key")
    complete = click_fields(account, action="1", prepare_id=1, secret="a browser has no key")
    for url, fields in ((CLICK_PREPARE_URL, prepare), (CLICK_COMPLETE_URL, complete)):
        response = browser.post(url, fields)
        assert response.status_code == 200
        assert response.json()["error"] == -1
        for bare in (browser.post(url, {}), browser.get(url)):
            assert bare.status_code == 200
            assert bare.json()["error"] == -8
    assert snapshot() == before
