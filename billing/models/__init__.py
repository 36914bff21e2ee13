"""Billing's models: tariffs and suspensions (tariffs.py), the ledger (ledger.py), accrual
runs (accrual.py), payments through the providers and their reconciliation (payments.py)."""

from billing.models.accrual import AccrualLotResult, AccrualRun
from billing.models.ledger import (
    AccountKind,
    EntryImmutable,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from billing.models.payments import (
    CancelReason,
    ClickComplete,
    ClickPrepare,
    FlagKind,
    PaymentState,
    Provider,
    ProviderTransaction,
    ReconciliationFlag,
    ReconciliationRun,
    StatementState,
)
from billing.models.tariffs import SuspendedMonth, Suspension, Tariff

__all__ = [
    "AccountKind",
    "AccrualLotResult",
    "AccrualRun",
    "CancelReason",
    "ClickComplete",
    "ClickPrepare",
    "EntryImmutable",
    "FlagKind",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "PaymentState",
    "Provider",
    "ProviderTransaction",
    "ReconciliationFlag",
    "ReconciliationRun",
    "StatementState",
    "SuspendedMonth",
    "Suspension",
    "Tariff",
    "TransactionKind",
]
