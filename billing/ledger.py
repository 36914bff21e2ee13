"""Posting to the ledger (DOMAIN.md "Billing": double entry, append-only, corrections are
reversing transactions, balances derived from entries).

Every money movement of the system goes through ``transaction_post`` (or the accrual's
set-based equivalent, billing.accrual, which keeps the same rules): it refuses a
transaction that does not sum to zero, writes the transaction and its entries in one
statement, and moves the cached balances of the MC accounts it touches in id order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Count, F, Q, Sum, Value
from django.utils.translation import gettext_lazy as _

from billing.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from billing.models.ledger import MC_KINDS
from buildings.models import Apartment
from buildings.owner_pages import buildings_changed

MSG_UNBALANCED = _("A ledger transaction must sum to zero: this one is off by %(off)s tiyin.")
MSG_TOO_FEW = _("A ledger transaction has at least two entries.")
MSG_ZERO_ENTRY = _("A ledger entry moves a non-zero amount.")
MSG_ALREADY_REVERSED = _("This transaction has already been reversed.")
MSG_REVERSE_A_REVERSAL = _("A reversal is not reversed: post a new transaction instead.")


class LedgerError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Line:
    """One side of a transaction: an apartment's receivable or an account; debit > 0."""

    amount_tiyin: int
    apartment_id: int | None = None
    account: LedgerAccount | None = None
    period: dt.date | None = None
    kind: str | None = None  # the transaction's kind unless given ("charge")


def account_for(kind: str, *, company_id: int | None = None, provider: str = "") -> LedgerAccount:
    """The account of an MC (contributions, revenue, revenue received) or of a payment
    provider (clearing), created on first use; safe under concurrency (the unique
    constraint decides, the loser reads the winner's row)."""
    lookup: dict[str, Any] = {"kind": kind, "company_id": company_id, "provider": provider}
    found = LedgerAccount.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            account = LedgerAccount(**lookup)
            account.full_clean()
            account.save()
            return account
    except IntegrityError:
        return LedgerAccount.objects.get(**lookup)


@transaction.atomic
def transaction_post(
    *,
    kind: str,
    at: dt.datetime,
    lines: Sequence[Line],
    period: dt.date | None = None,
    lot_id: int | None = None,
    memo: str = "",
    by: Any = None,
    reverses: LedgerTransaction | None = None,
) -> LedgerTransaction:
    """Post one balanced transaction: at least two non-zero lines summing to zero."""
    if len(lines) < 2:
        raise LedgerError(MSG_TOO_FEW)
    if any(line.amount_tiyin == 0 for line in lines):
        raise LedgerError(MSG_ZERO_ENTRY)
    off = sum(line.amount_tiyin for line in lines)
    if off != 0:
        raise LedgerError(MSG_UNBALANCED % {"off": off})
    txn = LedgerTransaction(
        kind=kind, at=at, period=period, lot_id=lot_id, memo=memo[:300], by=by, reverses=reverses
    )
    txn.full_clean(exclude=["reverses"] if reverses is None else None)
    txn.save()
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                transaction=txn,
                apartment_id=line.apartment_id,
                account=line.account,
                amount_tiyin=line.amount_tiyin,
                kind=line.kind or kind,
                period=line.period,
            )
            for line in lines
        ]
    )
    moves: dict[int, int] = {}
    for line in lines:
        if line.account is not None and line.account.kind in MC_KINDS:
            moves[line.account.pk] = moves.get(line.account.pk, 0) + line.amount_tiyin
    cached_balances_move(moves)
    apartments = {line.apartment_id for line in lines if line.apartment_id is not None}
    if apartments:  # the owners' cached bills (buildings.owner_pages)
        buildings_changed(
            Apartment.objects.filter(pk__in=apartments).values_list("building_id", flat=True)
        )
    return txn


def cached_balances_move(moves: dict[int, int]) -> None:
    """Move the cached balances of MC accounts, locking them in id order.

    The amount is a bigint parameter: a bare int in ``F() + n`` is an IntegerField value,
    which Django's psycopg 3 backend sends as a 32-bit Int4, so that a move beyond
    2 147 483 647 tiyin (a month's accrual of any lot) would silently wrap on PostgreSQL."""
    for pk in sorted(moves):
        if moves[pk]:
            amount = Value(moves[pk], output_field=BigIntegerField())
            LedgerAccount.objects.filter(pk=pk).update(balance_tiyin=F("balance_tiyin") + amount)


@transaction.atomic
def transaction_reverse(
    *, original: LedgerTransaction, at: dt.datetime, memo: str = "", by: Any = None
) -> LedgerTransaction:
    """A correction: the same entries with opposite signs, pointing at the original (a
    transaction is reversed at most once; the one-to-one link makes a retry safe)."""
    original = LedgerTransaction.objects.select_for_update().get(pk=original.pk)
    if original.kind == TransactionKind.REVERSAL:
        raise LedgerError(MSG_REVERSE_A_REVERSAL)
    if LedgerTransaction.objects.filter(reverses=original).exists():
        raise LedgerError(MSG_ALREADY_REVERSED)
    lines = [
        Line(
            amount_tiyin=-e.amount_tiyin,
            apartment_id=e.apartment_id,
            account=e.account,
            period=e.period,
            kind=TransactionKind.REVERSAL,
        )
        for e in original.entries.select_related("account").order_by("pk")
    ]
    return transaction_post(
        kind=TransactionKind.REVERSAL,
        at=at,
        lines=lines,
        period=original.period,
        lot_id=original.lot_id,
        memo=memo or f"reversal of #{original.pk}",
        by=by,
        reverses=original,
    )


def apartment_balance(apartment_id: int) -> int:
    """What the apartment owes (positive) or holds as credit (negative), in tiyin."""
    total = LedgerEntry.objects.filter(apartment_id=apartment_id).aggregate(s=Sum("amount_tiyin"))
    return int(total["s"] or 0)


def account_balance(account: LedgerAccount) -> int:
    total = LedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount_tiyin"))
    return int(total["s"] or 0)


def ledger_check() -> dict[str, int]:
    """The ledger's own audit: every transaction balances with at least two entries, and
    every cached balance equals its entries (set-based: two grouped queries)."""
    transactions = LedgerTransaction.objects.count()
    sums = (
        LedgerTransaction.objects.annotate(s=Sum("entries__amount_tiyin"), n=Count("entries"))
        .filter(Q(s__isnull=True) | ~Q(s=0) | Q(n__lt=2))
        .count()
    )
    derived = (
        LedgerAccount.objects.filter(kind__in=[k.value for k in MC_KINDS])
        .annotate(s=Sum("entries__amount_tiyin"))
        .values_list("balance_tiyin", "s")
    )
    mismatches = sum(1 for cached, total in derived if cached != (total or 0))
    return {"transactions": transactions, "unbalanced": sums, "balance_mismatches": mismatches}


__all__ = [
    "AccountKind",
    "LedgerError",
    "Line",
    "account_balance",
    "account_for",
    "apartment_balance",
    "ledger_check",
    "transaction_post",
    "transaction_reverse",
]
