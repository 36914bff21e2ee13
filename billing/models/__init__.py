"""Billing's models: tariffs and suspensions (tariffs.py), the ledger (ledger.py), accrual
runs (accrual.py)."""

from billing.models.accrual import AccrualLotResult, AccrualRun
from billing.models.ledger import (
    AccountKind,
    EntryImmutable,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from billing.models.tariffs import SuspendedMonth, Suspension, Tariff

__all__ = [
    "AccountKind",
    "AccrualLotResult",
    "AccrualRun",
    "EntryImmutable",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "SuspendedMonth",
    "Suspension",
    "Tariff",
    "TransactionKind",
]
