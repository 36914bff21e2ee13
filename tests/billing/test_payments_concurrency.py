"""Providers' retries at the same moment, on PostgreSQL with real threads (issue 10: "50
concurrent identical PerformTransaction calls give exactly one ledger transaction and 50
identical replies. The same holds for Click complete")."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from billing.ledger import apartment_balance, ledger_check
from billing.models import (
    ClickComplete,
    LedgerTransaction,
    PaymentState,
    ProviderTransaction,
)
from tests.billing.conftest import Estate
from tests.billing.payment_calls import (
    CLICK_COMPLETE_URL,
    CLICK_PREPARE_URL,
    PAYME_URL,
    basic,
    click_fields,
    click_post,
    create_params,
    payme,
)
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 50  # PostgreSQL allows ~100 connections on this machine, shared


def _replies(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` at the same moment (tests.concurrency.race); their replies in order."""
    replies: list[Any] = [None] * len(calls)

    def keep(i: int, call: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            replies[i] = call()

        return run

    outcomes = race(*(keep(i, c) for i, c in enumerate(calls)))
    assert outcomes == ["ok"] * len(calls)
    return replies


def _payme_call(method: str, params: dict[str, Any]) -> Callable[[], dict]:
    body = json.dumps({"method": method, "params": params, "id": 42})

    def call() -> dict:
        response = Client().post(
            PAYME_URL, body, content_type="application/json", HTTP_AUTHORIZATION=basic()
        )
        assert response.status_code == 200
        return response.json()

    return call


def _click_call(url: str, fields: dict[str, str]) -> Callable[[], dict]:
    return lambda: click_post(Client(), url, fields)


def test_50_identical_perform_transactions_make_one_ledger_transaction_and_50_identical_replies(
    estate: Estate,
) -> None:
    params = create_params(estate.flats[0].account_number, 640_000)
    assert payme(Client(), "CreateTransaction", params)["result"]["state"] == 1
    replies = _replies([_payme_call("PerformTransaction", {"id": params["id"]})] * THREADS)
    assert replies[0]["result"]["state"] == 2
    assert all(r == replies[0] for r in replies)
    assert LedgerTransaction.objects.filter(kind="payment").count() == 1
    assert apartment_balance(estate.flats[0].pk) == -640_000
    assert ledger_check() == {"transactions": 1, "unbalanced": 0, "balance_mismatches": 0}


def test_50_identical_create_transactions_make_one_transaction_and_50_identical_replies(
    estate: Estate,
) -> None:
    params = create_params(estate.flats[0].account_number)
    replies = _replies([_payme_call("CreateTransaction", params)] * THREADS)
    assert replies[0]["result"]["state"] == 1
    assert all(r == replies[0] for r in replies)
    assert ProviderTransaction.objects.count() == 1


def test_50_cancels_of_a_performed_payment_reverse_it_once(estate: Estate) -> None:
    params = create_params(estate.flats[0].account_number)
    payme(Client(), "CreateTransaction", params)
    payme(Client(), "PerformTransaction", {"id": params["id"]})
    cancel = {"id": params["id"], "reason": 5}
    replies = _replies([_payme_call("CancelTransaction", cancel)] * THREADS)
    assert replies[0]["result"]["state"] == -2
    assert all(r == replies[0] for r in replies)
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1
    assert apartment_balance(estate.flats[0].pk) == 0


def test_performs_and_cancels_at_once_leave_one_consistent_outcome(estate: Estate) -> None:
    params = create_params(estate.flats[0].account_number)
    payme(Client(), "CreateTransaction", params)
    perform = _payme_call("PerformTransaction", {"id": params["id"]})
    cancel = _payme_call("CancelTransaction", {"id": params["id"], "reason": 3})
    _replies([perform, cancel] * (THREADS // 2))
    payment = ProviderTransaction.objects.get()
    payments = LedgerTransaction.objects.filter(kind="payment").count()
    reversals = LedgerTransaction.objects.filter(kind="reversal").count()
    if payment.state == PaymentState.CANCELLED:  # a cancel came first: nothing was paid
        assert (payments, reversals) == (0, 0)
    else:  # a perform came first, then a cancel reversed it
        assert payment.state == PaymentState.CANCELLED_AFTER_PERFORM
        assert (payments, reversals) == (1, 1)
    assert apartment_balance(estate.flats[0].pk) == 0
    assert ledger_check()["unbalanced"] == 0


def test_50_identical_click_completes_make_one_ledger_transaction(estate: Estate) -> None:
    """One answers 0 Success; the 49 others are Click's repeats of a confirmed payment and
    answer -4 "Already paid" (docs.click.uz: a repeated successful Complete expects -4),
    all alike."""
    account = estate.flats[0].account_number
    prepared = click_post(Client(), CLICK_PREPARE_URL, click_fields(account, "6400.00"))
    assert prepared["error"] == 0
    fields = click_fields(
        account, "6400.00", action="1", prepare_id=prepared["merchant_prepare_id"]
    )
    replies = _replies([_click_call(CLICK_COMPLETE_URL, fields)] * THREADS)
    successes = [r for r in replies if r["error"] == 0]
    repeats = [r for r in replies if r["error"] == -4]
    assert len(successes) == 1
    assert len(repeats) == THREADS - 1
    assert all(r == repeats[0] for r in repeats)
    assert repeats[0]["merchant_confirm_id"] == successes[0]["merchant_confirm_id"]
    assert LedgerTransaction.objects.filter(kind="payment").count() == 1
    assert ClickComplete.objects.count() == 1
    assert apartment_balance(estate.flats[0].pk) == -640_000


def test_50_identical_click_prepares_make_one_transaction_and_50_identical_replies(
    estate: Estate,
) -> None:
    fields = click_fields(estate.flats[0].account_number, "6400.00", click_trans_id="777")
    replies = _replies([_click_call(CLICK_PREPARE_URL, fields)] * THREADS)
    assert replies[0]["error"] == 0
    assert all(r == replies[0] for r in replies)
    assert ProviderTransaction.objects.count() == 1
