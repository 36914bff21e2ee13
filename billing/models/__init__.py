"""Billing's models: tariffs and suspensions (tariffs.py), the ledger (ledger.py), accrual
runs (accrual.py), additional revenue (revenue.py), lease contracts and their violations
(leases.py)."""

from billing.models.accrual import AccrualLotResult, AccrualRun
from billing.models.leases import LeaseContract, LeaseKind, LeaseViolation
from billing.models.ledger import (
    AccountKind,
    EntryImmutable,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from billing.models.revenue import AdditionalRevenue, RevenueKind
from billing.models.tariffs import SuspendedMonth, Suspension, Tariff

__all__ = [
    "AccountKind",
    "AccrualLotResult",
    "AccrualRun",
    "AdditionalRevenue",
    "EntryImmutable",
    "LeaseContract",
    "LeaseKind",
    "LeaseViolation",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "RevenueKind",
    "SuspendedMonth",
    "Suspension",
    "Tariff",
    "TransactionKind",
]
