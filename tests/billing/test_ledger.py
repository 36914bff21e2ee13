"""The ledger (DOMAIN.md "Billing"): transactions sum to zero; entries are never updated or
deleted, in code and (on PostgreSQL) in the database, where a transaction is checked at
commit and nothing joins a committed one; a correction is a reversing transaction;
``ledger_check`` finds an unbalanced transaction and a cached balance that drifted."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from billing.accrual import accrual_lot
from billing.ledger import (
    MSG_ALREADY_REVERSED,
    MSG_REVERSE_A_REVERSAL,
    MSG_TOO_FEW,
    MSG_UNBALANCED,
    MSG_ZERO_ENTRY,
    LedgerError,
    Line,
    account_for,
    apartment_balance,
    ledger_check,
    transaction_post,
    transaction_reverse,
)
from billing.models import (
    AccountKind,
    EntryImmutable,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
)
from tests.billing.conftest import DEC, T0, Estate, tariff

pytestmark = pytest.mark.django_db


def _payment(estate: Estate, amount: int) -> LedgerTransaction:
    clearing = account_for(AccountKind.CLEARING, provider="payme")
    return transaction_post(
        kind="payment",
        at=T0,
        lines=[
            Line(amount, account=clearing),
            Line(-amount, apartment_id=estate.flats[0].pk),
        ],
    )


def _check() -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("ledger_check", "--json", stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ((100, -99), MSG_UNBALANCED % {"off": 1}),
        ((100,), MSG_TOO_FEW),
        ((100, -100, 0), MSG_ZERO_ENTRY),
    ],
)
def test_an_unbalanced_transaction_is_refused_and_nothing_is_written(
    estate: Estate, amounts: tuple[int, ...], message: object
) -> None:
    clearing = account_for(AccountKind.CLEARING, provider="click")
    lines = [
        Line(a, account=clearing) if i == 0 else Line(a, apartment_id=estate.flats[0].pk)
        for i, a in enumerate(amounts)
    ]
    with pytest.raises(LedgerError) as refused:
        transaction_post(kind="payment", at=T0, lines=lines)
    assert refused.value.message == str(message)
    assert not LedgerTransaction.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_a_payment_credits_the_apartment_and_overpayment_stays_as_credit(
    estate: Estate,
) -> None:
    tariff(estate, 1000)
    accrual_lot(lot_id=estate.lot.pk, period=DEC, at=T0)  # 45 550 tiyin owed
    _payment(estate, 20_000)  # partial
    assert apartment_balance(estate.flats[0].pk) == 25_550
    _payment(estate, 50_000)  # overpaid
    assert apartment_balance(estate.flats[0].pk) == -24_450
    assert ledger_check()["unbalanced"] == 0


def test_a_correction_is_a_reversing_transaction_made_once(estate: Estate) -> None:
    original = _payment(estate, 30_000)
    reversal = transaction_reverse(original=original, at=T0)
    assert reversal.reverses == original
    assert sorted(reversal.entries.values_list("amount_tiyin", flat=True)) == [-30_000, 30_000]
    assert apartment_balance(estate.flats[0].pk) == 0
    with pytest.raises(LedgerError) as twice:
        transaction_reverse(original=original, at=T0)
    assert twice.value.message == str(MSG_ALREADY_REVERSED)
    with pytest.raises(LedgerError) as back:
        transaction_reverse(original=reversal, at=T0)
    assert back.value.message == str(MSG_REVERSE_A_REVERSAL)
    assert LedgerTransaction.objects.count() == 2


def test_entries_and_transactions_are_never_updated_or_deleted(estate: Estate) -> None:
    txn = _payment(estate, 10_000)
    entry = txn.entries.first()
    assert entry is not None
    entry.amount_tiyin = 1
    for act in (entry.save, entry.delete, txn.delete):
        with pytest.raises(EntryImmutable):
            act()
    with pytest.raises(EntryImmutable):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_tiyin=1)
    with pytest.raises(EntryImmutable):
        LedgerTransaction.objects.all().delete()
    for sql in (
        "UPDATE billing_ledgerentry SET amount_tiyin = 1 WHERE id = %s",
        "UPDATE billing_ledgertransaction SET memo = 'x' WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [entry.pk if "entry" in sql else txn.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount_tiyin == 10_000


def _raw(*statements: tuple[str, list[Any]]) -> None:
    """Run SQL around the code, in one savepoint."""
    with transaction.atomic(), connection.cursor() as cur:
        for sql, params in statements:
            cur.execute(sql, params)


@pytest.mark.postgres
def test_postgres_refuses_deleting_ledger_rows(estate: Estate) -> None:
    txn = _payment(estate, 10_000)
    for sql in (
        "DELETE FROM billing_ledgerentry WHERE transaction_id = %s",
        "DELETE FROM billing_ledgertransaction WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            _raw((sql, [txn.pk]))
    assert LedgerEntry.objects.filter(transaction=txn).count() == 2


@pytest.mark.postgres
def test_postgres_refuses_an_unbalanced_transaction_at_commit(estate: Estate) -> None:
    """Raw SQL around the code: the deferred trigger fires at commit (made immediate here,
    inside the test's transaction)."""
    clearing = account_for(AccountKind.CLEARING, provider="payme")
    with pytest.raises(DatabaseError, match="does not balance"):
        _raw(
            (
                "INSERT INTO billing_ledgertransaction (id, kind, at, memo)"
                " VALUES (900001, 'payment', now(), '')",
                [],
            ),
            (
                "INSERT INTO billing_ledgerentry (transaction_id, account_id, amount_tiyin, kind)"
                " VALUES (900001, %s, 500, 'payment')",
                [clearing.pk],
            ),
            ("SET CONSTRAINTS ALL IMMEDIATE", []),
        )
    assert not LedgerTransaction.objects.exists()


@pytest.mark.postgres
def test_postgres_refuses_an_entry_joining_a_committed_transaction(estate: Estate) -> None:
    txn = _payment(estate, 10_000)
    _raw(  # as if it had been committed by an earlier database transaction
        ("SET CONSTRAINTS ALL IMMEDIATE", []),  # the payment's own check, done
        ("ALTER TABLE billing_ledgertransaction DISABLE TRIGGER USER", []),
        ("UPDATE billing_ledgertransaction SET db_xact = 1 WHERE id = %s", [txn.pk]),
        ("ALTER TABLE billing_ledgertransaction ENABLE TRIGGER USER", []),
    )
    clearing = account_for(AccountKind.CLEARING, provider="payme")
    with pytest.raises(DatabaseError, match="committed"):
        _raw(
            (
                "INSERT INTO billing_ledgerentry (transaction_id, account_id, amount_tiyin, kind)"
                " VALUES (%s, %s, 1, 'payment'), (%s, %s, -1, 'payment')",
                [txn.pk, clearing.pk, txn.pk, clearing.pk],
            )
        )
    assert txn.entries.count() == 2


@pytest.mark.postgres
def test_postgres_refuses_an_entry_naming_a_missing_transaction_apartment_or_account(
    estate: Estate,
) -> None:
    """The references the foreign keys no longer check (migrations 0005 and 0008) are
    checked per statement: an entry of a transaction, an apartment or an account that does
    not exist."""
    txn = _payment(estate, 10_000)
    clearing = account_for(AccountKind.CLEARING, provider="payme")
    with pytest.raises(DatabaseError, match="transaction that does not exist"):
        _raw(
            (
                "INSERT INTO billing_ledgerentry (transaction_id, account_id, amount_tiyin, kind)"
                " VALUES (987654321, %s, 1, 'payment')",
                [clearing.pk],
            )
        )
    with pytest.raises(DatabaseError, match="apartment that does not exist"):
        _raw(
            (
                "INSERT INTO billing_ledgertransaction (id, kind, at, memo)"
                " VALUES (900002, 'payment', now(), '')",
                [],
            ),
            (
                "INSERT INTO billing_ledgerentry (transaction_id, apartment_id, amount_tiyin,"
                " kind) VALUES (900002, 987654321, 1, 'payment')",
                [],
            ),
        )
    with pytest.raises(DatabaseError, match="ledger account that does not exist"):
        _raw(
            (
                "INSERT INTO billing_ledgertransaction (id, kind, at, memo)"
                " VALUES (900003, 'payment', now(), '')",
                [],
            ),
            (
                "INSERT INTO billing_ledgerentry (transaction_id, account_id, amount_tiyin,"
                " kind) VALUES (900003, %s, 1, 'payment'), (900003, 987654321, -1, 'payment')",
                [clearing.pk],
            ),
        )
    assert txn.entries.count() == 2
    assert not LedgerTransaction.objects.filter(pk__in=[900002, 900003]).exists()


@pytest.mark.postgres
def test_postgres_keeps_an_apartment_with_ledger_entries(estate: Estate) -> None:
    _payment(estate, 10_000)
    apartment = estate.flats[0]
    with pytest.raises(DatabaseError, match="has ledger entries"):
        _raw(
            ("DELETE FROM buildings_ownership WHERE apartment_id = %s", [apartment.pk]),
            ("DELETE FROM buildings_apartment WHERE id = %s", [apartment.pk]),
        )
    assert type(apartment).objects.filter(pk=apartment.pk).exists()


@pytest.mark.postgres
def test_postgres_keeps_a_ledger_account_with_entries(estate: Estate) -> None:
    """The account reference has no foreign key (migration 0008): a trigger keeps an
    account that entries name, and lets one that none names go."""
    _payment(estate, 10_000)
    clearing = account_for(AccountKind.CLEARING, provider="payme")
    unused = account_for(AccountKind.CLEARING, provider="click")
    with pytest.raises(DatabaseError, match="has ledger entries"):
        _raw(("DELETE FROM billing_ledgeraccount WHERE id = %s", [clearing.pk]))
    assert LedgerAccount.objects.filter(pk=clearing.pk).exists()
    _raw(("DELETE FROM billing_ledgeraccount WHERE id = %s", [unused.pk]))
    assert not LedgerAccount.objects.filter(pk=unused.pk).exists()


def test_ledger_check_passes_and_fails_on_a_drifted_cached_balance(estate: Estate) -> None:
    tariff(estate, 1000)
    accrual_lot(lot_id=estate.lot.pk, period=DEC, at=T0)
    _payment(estate, 5_000)
    code, report = _check()
    assert (code, report) == (0, {"transactions": 2, "unbalanced": 0, "balance_mismatches": 0})
    income = LedgerAccount.objects.get(kind=AccountKind.CONTRIBUTIONS)
    LedgerAccount.objects.filter(pk=income.pk).update(balance_tiyin=income.balance_tiyin + 1)
    code, report = _check()
    assert (code, report["balance_mismatches"]) == (1, 1)


def test_a_cached_balance_moves_by_more_than_32_bits_exactly(estate: Estate, cast: Any) -> None:
    """A month's contributions of a lot pass 2**31 tiyin (21 million so'm); on PostgreSQL the
    move must not be sent as a 32-bit integer and wrap."""
    amount = 3 * 2**31 + 7
    received = account_for(AccountKind.REVENUE_RECEIVED, company_id=cast.mc.pk)
    income = account_for(AccountKind.REVENUE, company_id=cast.mc.pk)
    for _ in range(2):
        transaction_post(
            kind="revenue",
            at=T0,
            lines=[Line(amount, account=received), Line(-amount, account=income)],
        )
    received.refresh_from_db()
    income.refresh_from_db()
    assert (received.balance_tiyin, income.balance_tiyin) == (2 * amount, -2 * amount)
    assert _check() == (0, {"transactions": 2, "unbalanced": 0, "balance_mismatches": 0})


class Undo(Exception):
    """Rolls a bad row back: Django checks deferred constraints when a test ends."""


def test_ledger_check_finds_an_unbalanced_transaction_written_around_the_code(
    estate: Estate,
) -> None:
    txn = _payment(estate, 5_000)
    found: list[tuple[int, dict]] = []

    def bad_row_then_check() -> None:
        with transaction.atomic():
            _raw(
                (
                    "INSERT INTO billing_ledgerentry"
                    " (transaction_id, apartment_id, amount_tiyin, kind)"
                    " VALUES (%s, %s, 7, 'payment')",
                    [txn.pk, estate.flats[1].pk],
                )
            )
            found.append(_check())
            raise Undo

    with pytest.raises(Undo):
        bad_row_then_check()
    code, report = found[0]
    assert (code, report["unbalanced"]) == (1, 1)


def test_the_generator_never_wipes_a_registry_with_money_on_it(estate: Estate) -> None:
    """The entries name apartments without a foreign key: --replace looks at the ledger
    first, and refuses, writing nothing."""
    from buildings.generator import GeneratorRefused, generate
    from buildings.models import Apartment

    _payment(estate, 10_000)
    apartments = Apartment.objects.count()
    with pytest.raises(GeneratorRefused, match="ledger"):
        generate(scale=0.004, seed=1, replace=True)
    assert Apartment.objects.count() == apartments
    assert LedgerEntry.objects.filter(apartment=estate.flats[0]).exists()
