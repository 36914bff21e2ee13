"""Click's SHOP API (issue 10, point 5; docs.click.uz "SHOP API"): prepare and complete,
signatures, exact so'm → tiyin, Click-side failures, repeats, and bad input that writes
nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from billing.ledger import account_balance, account_for, apartment_balance, ledger_check
from billing.models import (
    AccountKind,
    ClickComplete,
    ClickPrepare,
    LedgerEntry,
    LedgerTransaction,
    PaymentState,
    ProviderTransaction,
)
from billing.payments import messages as m
from billing.payments.click import som_to_tiyin
from tests.access import snapshot
from tests.billing.conftest import Estate
from tests.billing.payment_calls import (
    CLICK_COMPLETE_URL,
    CLICK_PREPARE_URL,
    click_complete,
    click_fields,
    click_post,
    click_prepare,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(estate: Estate) -> str:
    return estate.flats[0].account_number


def _prepared(client: Client, account: str, amount: str = "5000.00", **kw: object) -> int:
    reply = click_prepare(client, account, amount, **kw)
    assert reply["error"] == 0, reply
    return int(reply["merchant_prepare_id"])


def test_prepare_holds_a_transaction_and_answers_its_id(client: Client, account: str) -> None:
    reply = click_prepare(client, account, "5000.00", click_trans_id="3001")
    payment = ProviderTransaction.objects.get()
    assert reply == {
        "click_trans_id": 3001,
        "merchant_trans_id": account,
        "merchant_prepare_id": payment.pk,
        "error": 0,
        "error_note": "Success",
    }
    assert (payment.provider, payment.provider_id, payment.amount_tiyin) == (
        "click",
        "3001",
        500_000,
    )
    assert payment.state == PaymentState.CREATED
    prepare = ClickPrepare.objects.get()
    assert (prepare.amount_sent, prepare.click_paydoc_id) == ("5000.00", 903001)
    assert LedgerTransaction.objects.count() == 0


def test_complete_posts_one_ledger_transaction(
    client: Client, estate: Estate, account: str
) -> None:
    prepare_id = _prepared(client, account, "7500.50")
    reply = click_complete(client, account, prepare_id, "7500.50")
    payment = ProviderTransaction.objects.get()
    assert reply == {
        "click_trans_id": 3001,
        "merchant_trans_id": account,
        "merchant_confirm_id": payment.payment_id,
        "error": 0,
        "error_note": "Success",
    }
    assert payment.state == PaymentState.PERFORMED
    assert apartment_balance(estate.flats[0].pk) == -750_050
    assert account_balance(account_for(AccountKind.CLEARING, provider="click")) == 750_050
    assert ClickComplete.objects.get().click_error == 0
    assert ledger_check()["unbalanced"] == 0


def test_a_repeated_complete_gives_4_already_paid_and_no_second_transaction(
    client: Client, account: str
) -> None:
    prepare_id = _prepared(client, account)
    first = click_complete(client, account, prepare_id)
    again = click_complete(client, account, prepare_id)
    assert first["error"] == 0
    assert again["error"] == -4
    assert again["error_note"] == "Already paid"
    assert again["merchant_confirm_id"] == first["merchant_confirm_id"]
    assert click_complete(client, account, prepare_id) == again
    assert LedgerTransaction.objects.count() == 1
    assert ClickComplete.objects.count() == 1


def test_a_repeated_prepare_answers_the_same_prepare_id(client: Client, account: str) -> None:
    first = click_prepare(client, account, click_trans_id="4001")
    assert click_prepare(client, account, click_trans_id="4001") == first
    assert ProviderTransaction.objects.count() == 1


def test_a_prepare_of_a_paid_transaction_gives_4(client: Client, account: str) -> None:
    prepare_id = _prepared(client, account)
    click_complete(client, account, prepare_id)
    assert click_prepare(client, account)["error"] == m.CLICK_ALREADY_PAID


def test_a_click_side_failure_cancels_the_prepared_transaction(
    client: Client, account: str
) -> None:
    prepare_id = _prepared(client, account)
    reply = click_complete(client, account, prepare_id, error="-5017")
    assert reply["error"] == -9
    assert reply["error_note"] == "Transaction cancelled"
    payment = ProviderTransaction.objects.get()
    assert payment.state == PaymentState.CANCELLED
    assert LedgerTransaction.objects.count() == 0
    assert ClickComplete.objects.get().click_error == -5017
    # a later success for the cancelled transaction is refused, unwritten
    assert click_complete(client, account, prepare_id)["error"] == -9
    assert LedgerTransaction.objects.count() == 0


def test_a_click_side_failure_after_the_payment_reverses_it(
    client: Client, estate: Estate, account: str
) -> None:
    """Click's test suite, scenario 8: error -5017 for a confirmed payment answers -9; the
    money goes back, so the payment is reversed in the ledger."""
    prepare_id = _prepared(client, account)
    click_complete(client, account, prepare_id)
    reply = click_complete(client, account, prepare_id, error="-5017")
    assert reply["error"] == -9
    payment = ProviderTransaction.objects.get()
    assert payment.state == PaymentState.CANCELLED_AFTER_PERFORM
    assert apartment_balance(estate.flats[0].pk) == 0
    assert click_complete(client, account, prepare_id, error="-5017") == reply
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1


def test_a_failed_prepare_from_click_writes_nothing(client: Client, account: str) -> None:
    before = snapshot()
    assert click_prepare(client, account, error="-1")["error"] == -9
    assert snapshot() == before


def test_an_accumulative_account_takes_many_prepares(
    client: Client, estate: Estate, account: str
) -> None:
    one = _prepared(client, account, "1000", click_trans_id="5001")
    two = _prepared(client, account, "2500.5", click_trans_id="5002")
    click_complete(client, account, two, "2500.5", click_trans_id="5002")
    click_complete(client, account, one, "1000", click_trans_id="5001")
    assert apartment_balance(estate.flats[0].pk) == -350_050


@pytest.mark.parametrize(
    ("text", "tiyin"),
    [
        ("1000", 100_000),
        ("1000.5", 100_050),
        ("1000.00", 100_000),
        ("0.01", 1),
        ("999999999.99", 99_999_999_999),
        ("1000.001", None),
        ("1e3", None),
        ("-1000", None),
        (" 1000", None),
        ("1,000.00", None),
        ("01000", None),
        ("", None),
        ("NaN", None),
    ],
)
def test_som_become_tiyin_exactly(text: str, tiyin: int | None) -> None:
    assert som_to_tiyin(text) == tiyin


# --- bad input: the right code, and nothing written ---------------------------------------------


def _unwritten(url: str, fields: dict[str, str], client: Client) -> dict:
    before = snapshot()
    reply = click_post(client, url, fields)
    assert snapshot() == before
    return reply


def test_a_bad_signature_gives_1_and_writes_nothing(client: Client, account: str) -> None:
    reply = _unwritten(CLICK_PREPARE_URL, click_fields(account, secret="not-the-key"), client)
    assert reply["error"] == -1
    assert reply["error_note"] == "SIGN CHECK FAILED!"
    prepare_id = _prepared(client, account)
    before = LedgerEntry.objects.count()
    fields = click_fields(account, action="1", prepare_id=prepare_id, secret="wrong")
    assert _unwritten(CLICK_COMPLETE_URL, fields, client)["error"] == -1
    tampered = click_fields(account, action="1", prepare_id=prepare_id)
    tampered["amount"] = "50000.00"  # signed for 5000.00
    assert _unwritten(CLICK_COMPLETE_URL, tampered, client)["error"] == -1
    assert LedgerEntry.objects.count() == before == 0


def test_a_complete_whose_amount_differs_from_the_prepare_gives_2_unwritten(
    client: Client, account: str
) -> None:
    prepare_id = _prepared(client, account, "5000.00")
    fields = click_fields(account, "5000.01", action="1", prepare_id=prepare_id)
    reply = _unwritten(CLICK_COMPLETE_URL, fields, client)
    assert reply["error"] == -2
    assert reply["error_note"] == "Incorrect parameter amount"
    assert ProviderTransaction.objects.get().state == PaymentState.CREATED


@pytest.mark.parametrize("amount", ["999.99", "1000000000.01", "abc", "10.001"])
def test_a_prepare_outside_the_limits_or_malformed_gives_2(
    client: Client, account: str, amount: str
) -> None:
    assert _unwritten(CLICK_PREPARE_URL, click_fields(account, amount), client)["error"] == -2


def test_an_unknown_account_gives_5(client: Client, estate: Estate) -> None:
    reply = _unwritten(CLICK_PREPARE_URL, click_fields("000000000000"), client)
    assert reply["error"] == -5
    assert reply["error_note"] == "User does not exist"


def test_a_complete_of_an_unknown_prepare_gives_6(client: Client, account: str) -> None:
    fields = click_fields(account, action="1", prepare_id=987654)
    assert _unwritten(CLICK_COMPLETE_URL, fields, client)["error"] == -6
    prepare_id = _prepared(client, account, click_trans_id="6001")
    other = click_fields(account, action="1", prepare_id=prepare_id, click_trans_id="6002")
    assert _unwritten(CLICK_COMPLETE_URL, other, client)["error"] == -6


def test_the_wrong_action_gives_3(client: Client, account: str) -> None:
    fields = click_fields(account, action="1", prepare_id=1)
    assert _unwritten(CLICK_PREPARE_URL, fields, client)["error"] == -3
    fields = click_fields(account, action="2")
    assert _unwritten(CLICK_PREPARE_URL, fields, client)["error"] == -3
    fields = click_fields(account, action="0")
    assert _unwritten(CLICK_COMPLETE_URL, fields, client)["error"] == -3


@pytest.mark.parametrize("field", ["click_trans_id", "amount", "sign_time", "sign_string", "error"])
def test_a_missing_or_malformed_field_gives_8(client: Client, account: str, field: str) -> None:
    fields = click_fields(account)
    del fields[field]
    assert _unwritten(CLICK_PREPARE_URL, fields, client)["error"] == -8
    fields = click_fields(account)
    fields[field] = "x y"
    expected = -1 if field in {"amount", "sign_string"} else -8
    assert _unwritten(CLICK_PREPARE_URL, fields, client)["error"] == expected


def test_another_service_gives_8(client: Client, account: str, settings: object) -> None:
    fields = click_fields(account)
    settings.CLICK_SERVICE_ID = "20002"  # type: ignore[attr-defined]
    assert _unwritten(CLICK_PREPARE_URL, fields, client)["error"] == -8


def test_a_get_gives_8(client: Client) -> None:
    response = client.get(CLICK_PREPARE_URL)
    assert response.status_code == 200
    assert response.json()["error"] == -8


def test_the_notes_are_clicks_english(client: Client) -> None:
    assert m.CLICK == {
        0: "Success",
        -1: "SIGN CHECK FAILED!",
        -2: "Incorrect parameter amount",
        -3: "Action not found",
        -4: "Already paid",
        -5: "User does not exist",
        -6: "Transaction does not exist",
        -7: "Failed to update user",
        -8: "Error in request from click",
        -9: "Transaction cancelled",
    }


def test_a_failure_of_ours_answers_7_and_rolls_back(
    client: Client, account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from billing.payments import services

    prepare_id = _prepared(client, account)

    def broken(**kwargs: object) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "transaction_post", broken)
    reply = click_complete(client, account, prepare_id)
    assert reply["error"] == -7
    assert reply["error_note"] == "Failed to update user"
    assert ProviderTransaction.objects.get().state == PaymentState.CREATED
    assert ClickComplete.objects.count() == 0
