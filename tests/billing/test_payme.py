"""Payme's Merchant API (issue 10, point 4; developer.help.paycom.uz): methods, states,
identical replies to repeated calls, the timeout, accumulative accounts, the ledger, and
bad input that writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from billing.accrual import accrual_lot
from billing.ledger import account_balance, account_for, apartment_balance, ledger_check
from billing.models import (
    AccountKind,
    LedgerEntry,
    LedgerTransaction,
    PaymentState,
    ProviderTransaction,
)
from billing.payments import messages as m
from billing.payments.payme import TIMEOUT_MS
from tests.access import snapshot
from tests.billing.conftest import DEC, T0, Estate, tariff
from tests.billing.payment_calls import (
    PAYME_URL,
    basic,
    create_params,
    now_ms,
    payme,
    payme_id,
    payme_raw,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(estate: Estate) -> str:
    return estate.flats[0].account_number


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Freeze ``timezone.now`` at a moment (the Payme handler reads the clock there)."""

    def set_to(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def _create(client: Client, account: str, amount: int = 500_000, **kw: object) -> dict:
    params = create_params(account, amount, **kw)  # type: ignore[arg-type]
    reply = payme(client, "CreateTransaction", params)
    reply["_id"] = params["id"]
    return reply


def _pay(client: Client, account: str, amount: int = 500_000) -> str:
    created = _create(client, account, amount)
    assert created["result"]["state"] == 1, created
    performed = payme(client, "PerformTransaction", {"id": created["_id"]})
    assert performed["result"]["state"] == 2, performed
    return str(created["_id"])


# --- the happy path -----------------------------------------------------------------------------


def test_check_perform_transaction_allows_a_registry_account(client: Client, account: str) -> None:
    reply = payme(
        client, "CheckPerformTransaction", {"amount": 500_000, "account": {"account": account}}
    )
    assert reply == {"jsonrpc": "2.0", "id": 7, "result": {"allow": True}}


def test_a_performed_payment_debits_clearing_and_credits_the_receivable(
    client: Client, estate: Estate, account: str
) -> None:
    flat = estate.flats[0]
    _pay(client, account, 750_000)
    txn = LedgerTransaction.objects.get(kind="payment")
    entries = {(e.account_id, e.apartment_id): e.amount_tiyin for e in txn.entries.all()}
    clearing = account_for(AccountKind.CLEARING, provider="payme")
    assert entries == {(clearing.pk, None): 750_000, (None, flat.pk): -750_000}
    assert apartment_balance(flat.pk) == -750_000  # paid ahead: a credit
    assert account_balance(clearing) == 750_000
    payment = ProviderTransaction.objects.get()
    assert payment.payment_id == txn.pk
    assert payment.state == PaymentState.PERFORMED
    assert ledger_check()["unbalanced"] == 0


def test_create_answers_create_time_transaction_and_state_1(client: Client, account: str) -> None:
    reply = _create(client, account)
    payment = ProviderTransaction.objects.get()
    assert reply["result"] == {
        "create_time": payment.create_time_ms,
        "transaction": str(payment.pk),
        "state": 1,
    }
    assert LedgerTransaction.objects.count() == 0  # nothing in the ledger before perform


def test_repeated_create_perform_and_cancel_give_identical_replies(
    client: Client, account: str
) -> None:
    """Payme's sandbox sends Create, Perform and Cancel twice and compares the replies."""
    params = create_params(account)
    first = payme(client, "CreateTransaction", params)
    assert payme(client, "CreateTransaction", params) == first
    performed = payme(client, "PerformTransaction", {"id": params["id"]})
    assert payme(client, "PerformTransaction", {"id": params["id"]}) == performed
    cancelled = payme(client, "CancelTransaction", {"id": params["id"], "reason": 5})
    assert payme(client, "CancelTransaction", {"id": params["id"], "reason": 5}) == cancelled
    assert cancelled["result"]["state"] == -2
    assert LedgerTransaction.objects.filter(kind="payment").count() == 1
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1


def test_an_accumulative_account_takes_a_second_pending_transaction(
    client: Client, estate: Estate, account: str
) -> None:
    """Accumulative account ("накопительный счёт"): a new id for an apartment that already
    has a pending transaction is created too, not refused as a one-time order would be."""
    first = _create(client, account, 300_000)
    second = _create(client, account, 200_000)
    assert first["result"]["state"] == 1
    assert second["result"]["state"] == 1
    for created in (second, first):
        assert payme(client, "PerformTransaction", {"id": created["_id"]})["result"]["state"] == 2
    assert apartment_balance(estate.flats[0].pk) == -500_000
    assert ProviderTransaction.objects.filter(apartment=estate.flats[0]).count() == 2


def test_partial_payment_and_overpayment_leave_the_balance_as_it_falls(
    client: Client, estate: Estate, account: str
) -> None:
    flat = estate.flats[0]
    tariff(estate, 10_000)
    accrual_lot(lot_id=estate.lot.pk, period=DEC, at=T0)
    charged = apartment_balance(flat.pk)
    assert charged == 455_500  # 45.55 m² × 10,000 tiyin
    _pay(client, account, 200_000)  # partial
    assert apartment_balance(flat.pk) == 255_500
    _pay(client, account, 400_000)  # more than owed: the rest is credit
    assert apartment_balance(flat.pk) == -144_500


# --- states and errors of each method ------------------------------------------------------------


def test_perform_of_an_unknown_id_gives_31003(client: Client, account: str) -> None:
    reply = payme(client, "PerformTransaction", {"id": payme_id()})
    assert reply["error"]["code"] == m.TRANSACTION_NOT_FOUND
    assert payme(client, "CheckTransaction", {"id": payme_id()})["error"]["code"] == -31003
    assert (
        payme(client, "CancelTransaction", {"id": payme_id(), "reason": 1})["error"]["code"]
        == -31003
    )


def test_cancel_of_a_created_transaction_gives_state_minus_1_and_no_ledger(
    client: Client, account: str
) -> None:
    created = _create(client, account)
    reply = payme(client, "CancelTransaction", {"id": created["_id"], "reason": 3})
    payment = ProviderTransaction.objects.get()
    assert reply["result"] == {
        "transaction": str(payment.pk),
        "cancel_time": payment.cancel_time_ms,
        "state": -1,
    }
    assert payment.reason == 3
    assert LedgerTransaction.objects.count() == 0
    # a cancelled transaction is neither performed nor created again
    assert payme(client, "PerformTransaction", {"id": created["_id"]})["error"]["code"] == -31008
    again = payme(client, "CreateTransaction", create_params(account, pid=created["_id"]))
    assert again["error"]["code"] == m.CANNOT_PERFORM


def test_cancel_of_a_performed_payment_reverses_it_in_the_ledger(
    client: Client, estate: Estate, account: str
) -> None:
    pid = _pay(client, account, 600_000)
    reply = payme(client, "CancelTransaction", {"id": pid, "reason": 5})
    assert reply["result"]["state"] == -2
    payment = ProviderTransaction.objects.get()
    assert payment.reversal is not None
    assert payment.reversal.reverses_id == payment.payment_id
    assert apartment_balance(estate.flats[0].pk) == 0
    assert account_balance(account_for(AccountKind.CLEARING, provider="payme")) == 0
    check = payme(client, "CheckTransaction", {"id": pid})["result"]
    assert check["state"] == -2
    assert check["reason"] == 5
    assert check["perform_time"] > 0
    assert check["cancel_time"] >= check["perform_time"]
    assert ledger_check()["unbalanced"] == 0


def test_check_transaction_reports_zero_times_and_a_null_reason_until_they_happen(
    client: Client, account: str
) -> None:
    created = _create(client, account)
    check = payme(client, "CheckTransaction", {"id": created["_id"]})["result"]
    assert check == {
        "create_time": created["result"]["create_time"],
        "perform_time": 0,
        "cancel_time": 0,
        "transaction": created["result"]["transaction"],
        "state": 1,
        "reason": None,
    }


def test_create_of_a_known_id_with_another_amount_gives_31008(client: Client, account: str) -> None:
    created = _create(client, account, 500_000)
    reply = payme(client, "CreateTransaction", create_params(account, 600_000, pid=created["_id"]))
    assert reply["error"]["code"] == m.CANNOT_PERFORM
    assert ProviderTransaction.objects.get().amount_tiyin == 500_000


def test_create_of_a_performed_id_gives_31008(client: Client, account: str) -> None:
    pid = _pay(client, account)
    params = create_params(account, pid=pid)
    params["time"] = ProviderTransaction.objects.get().provider_time_ms
    assert payme(client, "CreateTransaction", params)["error"]["code"] == m.CANNOT_PERFORM


def test_get_statement_lists_the_window_by_payme_time_ascending(
    client: Client, estate: Estate, account: str
) -> None:
    base = now_ms()
    ids = []
    for offset in (3000, 1000, 2000, 9000):
        created = _create(client, account, 200_000, time=base - 100_000 + offset)
        ids.append((offset, created["_id"]))
    payme(client, "PerformTransaction", {"id": ids[1][1]})
    reply = payme(
        client, "GetStatement", {"from": base - 100_000 + 1000, "to": base - 100_000 + 3000}
    )
    rows = reply["result"]["transactions"]
    assert [r["id"] for r in rows] == [ids[1][1], ids[2][1], ids[0][1]]
    first = rows[0]
    assert first["account"] == {"account": account}
    assert first["amount"] == 200_000
    assert first["state"] == 2
    assert first["perform_time"] > 0
    assert first["receivers"] is None
    assert set(first) == {
        "id", "time", "amount", "account", "create_time", "perform_time", "cancel_time",
        "transaction", "state", "reason", "receivers",
    }  # fmt: skip


# --- the 12-hour timeout (frozen clock at each side of the boundary) -------------------------


def test_perform_at_exactly_12_hours_still_performs(
    client: Client, account: str, clock: Callable[[dt.datetime], None]
) -> None:
    start = timezone.now().replace(microsecond=0)
    clock(start)
    created = _create(client, account, time=now_ms())
    clock(start + dt.timedelta(milliseconds=TIMEOUT_MS))
    assert payme(client, "PerformTransaction", {"id": created["_id"]})["result"]["state"] == 2


def test_perform_past_12_hours_cancels_with_reason_4_and_repeats_its_refusal(
    client: Client, account: str, clock: Callable[[dt.datetime], None]
) -> None:
    start = timezone.now().replace(microsecond=0)
    clock(start)
    created = _create(client, account, time=now_ms())
    clock(start + dt.timedelta(milliseconds=TIMEOUT_MS + 1))
    first = payme(client, "PerformTransaction", {"id": created["_id"]})
    assert first["error"]["code"] == m.CANNOT_PERFORM
    assert payme(client, "PerformTransaction", {"id": created["_id"]}) == first
    payment = ProviderTransaction.objects.get()
    assert (payment.state, payment.reason) == (PaymentState.CANCELLED, 4)
    assert LedgerTransaction.objects.count() == 0


def test_create_again_past_12_hours_cancels_with_reason_4(
    client: Client, account: str, clock: Callable[[dt.datetime], None]
) -> None:
    start = timezone.now().replace(microsecond=0)
    clock(start)
    params = create_params(account, time=now_ms())
    assert payme(client, "CreateTransaction", params)["result"]["state"] == 1
    clock(start + dt.timedelta(hours=12, milliseconds=1))
    assert payme(client, "CreateTransaction", params)["error"]["code"] == m.CANNOT_PERFORM
    check = payme(client, "CheckTransaction", {"id": params["id"]})["result"]
    assert (check["state"], check["reason"]) == (-1, 4)


def test_a_create_that_payme_made_over_12_hours_ago_is_refused_unwritten(
    client: Client, account: str
) -> None:
    params = create_params(account, time=now_ms() - TIMEOUT_MS - 60_000)
    assert payme(client, "CreateTransaction", params)["error"]["code"] == m.CANNOT_PERFORM
    assert ProviderTransaction.objects.count() == 0


# --- bad input: the right code, and nothing written -------------------------------------------


def _nothing_written(call: Callable[[], dict]) -> dict:
    before = snapshot()
    reply = call()
    assert snapshot() == before
    assert LedgerEntry.objects.count() == 0
    return reply


@pytest.mark.parametrize(
    "auth",
    [
        "",
        basic(key="wrong-key"),
        basic(login="Payme"),
        "Basic !!!not-base64!!!",
        "Bearer " + "x" * 20,
        basic(key=""),
    ],
    ids=["none", "wrong key", "wrong login", "garbage", "other scheme", "empty key"],
)
def test_a_wrong_key_gives_32504_and_writes_nothing(
    client: Client, account: str, auth: str
) -> None:
    params = create_params(account)
    reply = _nothing_written(lambda: payme(client, "CreateTransaction", params, auth=auth))
    assert reply["error"]["code"] == m.INSUFFICIENT_PRIVILEGE
    assert reply["id"] == 7


def test_without_a_configured_key_every_call_is_refused(
    client: Client, account: str, settings: object
) -> None:
    settings.PAYME_KEY = ""  # type: ignore[attr-defined]
    reply = payme(
        client,
        "CheckPerformTransaction",
        {"amount": 500_000, "account": {"account": account}},
        auth=basic(key=""),
    )
    assert reply["error"]["code"] == m.INSUFFICIENT_PRIVILEGE


@pytest.mark.parametrize("which", ["below", "above", "zero", "negative"])
def test_an_amount_outside_the_limits_gives_31001_and_writes_nothing(
    client: Client, account: str, settings: object, which: str
) -> None:
    low, high = settings.PAYMENT_MIN_TIYIN, settings.PAYMENT_MAX_TIYIN  # type: ignore[attr-defined]
    amount = {"below": low - 1, "above": high + 1, "zero": 0, "negative": -low}[which]
    for method in ("CheckPerformTransaction", "CreateTransaction"):
        params = create_params(account, amount)
        reply = _nothing_written(lambda: payme(client, method, params))  # noqa: B023
        assert reply["error"]["code"] == m.INVALID_AMOUNT, (method, reply)


def test_the_limits_are_configurable(client: Client, account: str, settings: object) -> None:
    settings.PAYMENT_MIN_TIYIN = 1_000  # type: ignore[attr-defined]
    reply = payme(
        client, "CheckPerformTransaction", {"amount": 1_000, "account": {"account": account}}
    )
    assert reply["result"] == {"allow": True}


@pytest.mark.parametrize(
    "number",
    ["000000000000", "12345", "abcdefghijkl", "１２３４５６７８９０１２", 12, None],
    ids=["unknown", "short", "letters", "wide digits", "a number", "missing"],
)
def test_an_unknown_account_gives_31050_and_writes_nothing(
    client: Client, estate: Estate, number: object
) -> None:
    for method in ("CheckPerformTransaction", "CreateTransaction"):
        params = create_params("x")
        params["account"] = {} if number is None else {"account": number}
        reply = _nothing_written(lambda: payme(client, method, params))  # noqa: B023
        assert reply["error"]["code"] == m.ACCOUNT_NOT_FOUND
        assert reply["error"]["data"] == "account"


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe", b'{"method": "CheckPer'])
def test_malformed_json_gives_32700_and_writes_nothing(client: Client, body: bytes) -> None:
    reply = _nothing_written(lambda: payme_raw(client, body))
    assert reply == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32700, "message": m.PAYME[-32700]},
    }


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '"CheckPerformTransaction"',
        '{"params": {}, "id": 1}',
        '{"method": "CreateTransaction", "id": 1}',
        '{"method": "CreateTransaction", "params": [], "id": 1}',
        '{"method": "PerformTransaction", "params": {"id": 5}, "id": 1}',
        '{"method": "CreateTransaction", "params": {"id": "a", "time": "now", "amount": 1,'
        ' "account": {}}, "id": 1}',
        '{"method": "CreateTransaction", "params": {"id": "a", "time": 1, "amount": 100000.5,'
        ' "account": {}}, "id": 1}',
        '{"method": "CancelTransaction", "params": {"id": "a", "reason": 7}, "id": 1}',
        '{"method": "GetStatement", "params": {"from": 1}, "id": 1}',
    ],
)
def test_a_request_without_its_fields_gives_32600_and_writes_nothing(
    client: Client, body: str
) -> None:
    reply = _nothing_written(lambda: payme_raw(client, body))
    assert reply["error"]["code"] == m.INVALID_REQUEST


def test_an_unknown_method_gives_32601_naming_it(client: Client) -> None:
    reply = payme(client, "ChangeEverything", {})
    assert reply["error"]["code"] == m.METHOD_NOT_FOUND
    assert reply["error"]["data"] == "ChangeEverything"


def test_a_get_gives_32300_with_http_200(client: Client) -> None:
    response = client.get(PAYME_URL, HTTP_AUTHORIZATION=basic())
    assert response.status_code == 200
    assert response.json()["error"]["code"] == m.METHOD_NOT_POST


def test_every_error_message_is_an_uz_ru_en_object(client: Client) -> None:
    assert set(m.PAYME) >= {-32504, -32600, -32601, -32700, -31001, -31003, -31007, -31008, -31050}
    for code, message in m.PAYME.items():
        assert set(message) == {"uz", "ru", "en"}, code
        assert message["uz"].strip(), code
        assert message["ru"].strip(), code
        assert message["en"].strip(), code
    reply = payme(client, "PerformTransaction", {"id": payme_id()})
    assert reply["error"]["message"] == m.PAYME[-31003]


def test_a_system_failure_answers_32400_and_rolls_back(
    client: Client, account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from billing.payments import services

    created = _create(client, account)

    def broken(**kwargs: object) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "transaction_post", broken)
    reply = payme(client, "PerformTransaction", {"id": created["_id"]})
    assert reply["error"]["code"] == m.SYSTEM_ERROR
    assert ProviderTransaction.objects.get().state == PaymentState.CREATED


def test_a_stale_second_perform_is_refused_and_its_ledger_posting_rolled_back(
    client: Client, account: str
) -> None:
    """Without the row lock (two performers that both read state 1), the conditional update
    lets one posting in; the other's block, its ledger transaction included, rolls back."""
    from django.db import transaction

    from billing.payments.services import PaymentError, payment_perform

    created = _create(client, account)
    first = ProviderTransaction.objects.get(provider_id=created["_id"])
    stale = ProviderTransaction.objects.get(provider_id=created["_id"])
    payment_perform(payment=first, at=timezone.now())
    with pytest.raises(PaymentError), transaction.atomic():
        payment_perform(payment=stale, at=timezone.now())
    assert LedgerTransaction.objects.count() == 1
    assert ProviderTransaction.objects.get().payment_id == first.payment_id


def test_a_performed_state_without_its_ledger_transaction_is_refused_by_the_database(
    client: Client, account: str
) -> None:
    from django.db import IntegrityError, transaction

    _create(client, account)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProviderTransaction.objects.update(state=PaymentState.PERFORMED, perform_time_ms=1)
