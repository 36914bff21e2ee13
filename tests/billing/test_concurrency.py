"""Accrual at the same moment, on PostgreSQL with real threads (issue 10: "a database unique
constraint makes any re-run, or two concurrent runs, a no-op")."""

from __future__ import annotations

from functools import partial

import pytest

from billing.accrual import accrual_lot
from billing.ledger import ledger_check
from billing.models import LedgerEntry, LedgerTransaction
from tests.billing.conftest import DEC, T0, Estate, tariff
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_concurrent_accruals_of_a_lot_charge_each_apartment_once(estate: Estate) -> None:
    tariff(estate, 1000)
    outcomes = race(
        *(partial(accrual_lot, lot_id=estate.lot.pk, period=DEC, at=T0) for _ in range(8))
    )
    assert outcomes == ["ok"] * 8
    assert LedgerEntry.objects.filter(kind="charge").count() == 3
    assert LedgerTransaction.objects.count() == 1
    assert ledger_check() == {"transactions": 1, "unbalanced": 0, "balance_mismatches": 0}


def test_the_unique_index_alone_stops_a_second_charge(estate: Estate) -> None:
    """Without the lot's lock (two runs that both saw the apartment uncharged), the
    partial unique index still lets only one charge in."""
    from django.db import IntegrityError, transaction

    tariff(estate, 1000)
    accrual_lot(lot_id=estate.lot.pk, period=DEC, at=T0)
    first = LedgerEntry.objects.filter(kind="charge").first()
    assert first is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            transaction=first.transaction,
            apartment_id=first.apartment_id,
            amount_tiyin=1,
            kind="charge",
            period=DEC,
        )
