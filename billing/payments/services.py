"""The state changes of a provider transaction and their ledger postings (issue 10, points
4-6; DOMAIN.md "Billing": "A provider's retry of the same transaction produces exactly one
ledger entry and the same reply").

Retry and race safety is the database's, not Python's:
- a new transaction is an INSERT that the unique (provider, provider's id) constraint lets
  in once; the loser of a race reads the winner's row, under its lock;
- every later change runs under the row lock of the transaction (``SELECT … FOR UPDATE``,
  one row: nothing to order) and is written by a conditional UPDATE (``WHERE state = …``)
  that must hit exactly one row, else the whole block, its ledger transaction included, is
  rolled back; the check constraint ``payment_state_matches_ledger`` ties each state to its
  ledger links, and a reversal's ``reverses`` link is one-to-one;
- a reversal locks the ledger transaction it reverses after the provider transaction: the
  same order on every path.

Accounts are accumulative (Payme's "накопительный счёт", developer.help.paycom.uz,
"Песочница": "На накопительный счёт деньги могут поступать неограниченное количество раз"):
nothing here compares a payment with a bill, refuses a second pending transaction of the
same apartment, or stops an overpayment, which stays on the receivable as credit.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction

from billing.ledger import Line, account_for, transaction_post, transaction_reverse
from billing.models import (
    AccountKind,
    LedgerAccount,
    PaymentState,
    ProviderTransaction,
    TransactionKind,
)
from buildings.models import Apartment

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MS = dt.timedelta(milliseconds=1)


class PaymentError(Exception):
    """A state change the transaction's state does not allow (the adapters map it to their
    protocol's code)."""


def ms(at: dt.datetime) -> int:
    """``at`` as integer milliseconds since the epoch (Payme's Timestamp), exactly."""
    return (at - _EPOCH) // _MS


def from_ms(value: int) -> dt.datetime:
    return _EPOCH + value * _MS


def apartment_for_account(number: object) -> int | None:
    """The apartment whose personal account number this is (12 digits; any apartment of the
    registry: issue 10, "accepted for every apartment"), or None."""
    if not isinstance(number, str) or len(number) != 12 or not number.isascii():
        return None
    if not number.isdigit():
        return None
    # the providers' hottest read: one indexed lookup, spared the ORM's query building
    table = connection.ops.quote_name(Apartment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE account_number = %s", [number])  # noqa: S608  # nosec B608 # identifiers from _meta; values bound
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def amount_allowed(amount_tiyin: int) -> bool:
    """One payment's limits (env PAYMENT_MIN_TIYIN, PAYMENT_MAX_TIYIN)."""
    return settings.PAYMENT_MIN_TIYIN <= amount_tiyin <= settings.PAYMENT_MAX_TIYIN


def payment_locked(
    *, provider: str, provider_id: str | None = None, pk: int | None = None
) -> ProviderTransaction | None:
    """The transaction of ``provider`` with the provider's id (or our ``pk``), locked until
    the end of the caller's atomic block (``FOR UPDATE``), with the provider's clearing
    account read in the same statement (``clearing_id``; None before the provider's first
    payment). Raw SQL: this runs on every provider call, and the ORM's building of the
    same query costs more than the query."""
    quote = connection.ops.quote_name
    payments = quote(ProviderTransaction._meta.db_table)
    accounts = quote(LedgerAccount._meta.db_table)
    if (provider_id is None) == (pk is None):
        raise ValueError("payment_locked needs the provider's id or our pk")
    where, key = ("p.provider_id = %s", provider_id) if pk is None else ("p.id = %s", pk)
    # SQLite has no row locks (its writers are serialised by the database lock instead)
    lock = " FOR UPDATE OF p" if connection.features.has_select_for_update_of else ""
    sql = (
        f"SELECT p.*, (SELECT a.id FROM {accounts} a WHERE a.kind = %s"  # noqa: S608  # nosec B608 # identifiers from _meta; values bound
        " AND a.company_id IS NULL AND a.provider = p.provider) AS clearing_id"
        f" FROM {payments} p WHERE p.provider = %s AND {where}{lock}"
    )
    found = list(ProviderTransaction.objects.raw(sql, [AccountKind.CLEARING, provider, key]))
    return found[0] if found else None


def _insert_once(payment: ProviderTransaction) -> int | None:
    """``INSERT … ON CONFLICT (provider, provider_id) DO NOTHING RETURNING id``: the new
    row's id, or None when the provider's id is taken. The unique constraint decides in one
    statement; a concurrent insert of the same id waits for the first one's commit, then
    conflicts (no savepoint, no error to recover from)."""
    meta = ProviderTransaction._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = [f.get_db_prep_save(getattr(payment, f.attname), connection) for f in fields]
    placeholders = ", ".join(["%s"] * len(fields))
    # identifiers from the model's own metadata, values as parameters
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608  # nosec B608 # identifiers from _meta; values bound
        f" ON CONFLICT ({quote('provider')}, {quote('provider_id')}) DO NOTHING"
        f" RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    return None if row is None else int(row[0])


# The services are atomic alone; inside their callers' block (which holds the row lock) they
# take no savepoint of their own: a failure rolls the caller's whole block back anyway, and
# a savepoint is two round trips on the providers' hottest path.
@transaction.atomic(savepoint=False)
def payment_create(
    *,
    provider: str,
    provider_id: str,
    apartment_id: int,
    account_number: str,
    amount_tiyin: int,
    provider_time_ms: int,
    at: dt.datetime,
) -> tuple[ProviderTransaction, bool]:
    """A new transaction in state 1 (created), or, when the provider's id is already taken
    (a retry that raced this one), the existing one, locked; ``True`` when created."""
    payment = ProviderTransaction(
        provider=provider,
        provider_id=provider_id,
        apartment_id=apartment_id,
        account_number=account_number,
        amount_tiyin=amount_tiyin,
        state=PaymentState.CREATED,
        provider_time_ms=provider_time_ms,
        create_time_ms=ms(at),
    )
    # The fields are validated here; uniqueness and the state rules are the database's
    # constraints (a query to pre-check them would only race).
    payment.full_clean(
        exclude=["apartment", "payment", "reversal"],
        validate_unique=False,
        validate_constraints=False,
    )
    new_id = _insert_once(payment)
    if new_id is None:
        existing = payment_locked(provider=provider, provider_id=provider_id)
        assert existing is not None  # the conflict was on this very id; rows are not deleted
        return existing, False
    payment.pk = new_id
    payment._state.adding = False
    return payment, True


@transaction.atomic(savepoint=False)
def payment_perform(*, payment: ProviderTransaction, at: dt.datetime) -> ProviderTransaction:
    """Perform a created transaction (locked by the caller): one ledger transaction debits
    the provider's clearing account and credits the apartment's receivable (issue 10,
    point 6), and the transaction moves to state 2 with its perform time."""
    if payment.state != PaymentState.CREATED:
        raise PaymentError(payment.state)
    clearing_id = getattr(payment, "clearing_id", None)  # read with the lock (payment_locked)
    clearing = (
        LedgerAccount(pk=clearing_id, kind=AccountKind.CLEARING, provider=payment.provider)
        if clearing_id is not None
        else account_for(AccountKind.CLEARING, provider=payment.provider)
    )
    ledger = transaction_post(
        kind=TransactionKind.PAYMENT,
        at=at,
        lines=[
            Line(amount_tiyin=payment.amount_tiyin, account=clearing),
            Line(amount_tiyin=-payment.amount_tiyin, apartment_id=payment.apartment_id),
        ],
        memo=f"{payment.provider} {payment.provider_id}",
    )
    perform_time_ms = ms(at)
    # Conditional: of two performers that both got here, only one row update can match.
    moved = ProviderTransaction.objects.filter(
        pk=payment.pk, state=PaymentState.CREATED, payment__isnull=True
    ).update(state=PaymentState.PERFORMED, payment=ledger, perform_time_ms=perform_time_ms)
    if moved != 1:
        raise PaymentError("the transaction changed under its lock")
    payment.state = PaymentState.PERFORMED
    payment.payment = ledger
    payment.perform_time_ms = perform_time_ms
    return payment


@transaction.atomic(savepoint=False)
def payment_cancel(
    *, payment: ProviderTransaction, at: dt.datetime, reason: int | None
) -> ProviderTransaction:
    """Cancel a transaction (locked by the caller): a created one moves to state -1; a
    performed one is reversed in the ledger (``transaction_reverse``: the clearing account
    credited, the receivable debited) and moves to state -2 (issue 10: "Cancelling a
    performed payment (state -2) is allowed, and it is reversed in the ledger")."""
    cancel_time_ms = ms(at)
    if payment.state == PaymentState.CREATED:
        moved = ProviderTransaction.objects.filter(
            pk=payment.pk, state=PaymentState.CREATED
        ).update(state=PaymentState.CANCELLED, cancel_time_ms=cancel_time_ms, reason=reason)
        new_state = PaymentState.CANCELLED
    elif payment.state == PaymentState.PERFORMED and payment.payment is not None:
        reversal = transaction_reverse(
            original=payment.payment,
            at=at,
            memo=f"{payment.provider} {payment.provider_id} cancelled",
        )
        moved = ProviderTransaction.objects.filter(
            pk=payment.pk, state=PaymentState.PERFORMED, reversal__isnull=True
        ).update(
            state=PaymentState.CANCELLED_AFTER_PERFORM,
            reversal=reversal,
            cancel_time_ms=cancel_time_ms,
            reason=reason,
        )
        payment.reversal = reversal
        new_state = PaymentState.CANCELLED_AFTER_PERFORM
    else:
        raise PaymentError(payment.state)
    if moved != 1:
        raise PaymentError("the transaction changed under its lock")
    payment.state = new_state
    payment.cancel_time_ms = cancel_time_ms
    payment.reason = reason
    return payment
