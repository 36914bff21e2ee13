"""Billing's models: tariffs and suspensions (tariffs.py), the ledger (ledger.py), accrual
runs (accrual.py), additional revenue (revenue.py), lease contracts and their violations
(leases.py), payments through the providers and their reconciliation (payments.py),
quarterly reports (reports.py)."""

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
from billing.models.reports import (
    MAX_TIYIN,
    ExpenseCategory,
    QuarterlyReport,
    ReportExpense,
    ReportImmutable,
    ReportStatus,
    ReportWork,
    WorkStatus,
)
from billing.models.revenue import AdditionalRevenue, RevenueKind
from billing.models.tariffs import SuspendedMonth, Suspension, Tariff

__all__ = [
    "MAX_TIYIN",
    "AccountKind",
    "AccrualLotResult",
    "AccrualRun",
    "AdditionalRevenue",
    "CancelReason",
    "ClickComplete",
    "ClickPrepare",
    "EntryImmutable",
    "ExpenseCategory",
    "FlagKind",
    "LeaseContract",
    "LeaseKind",
    "LeaseViolation",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "PaymentState",
    "Provider",
    "ProviderTransaction",
    "QuarterlyReport",
    "ReconciliationFlag",
    "ReconciliationRun",
    "ReportExpense",
    "ReportImmutable",
    "ReportStatus",
    "ReportWork",
    "RevenueKind",
    "StatementState",
    "SuspendedMonth",
    "Suspension",
    "Tariff",
    "TransactionKind",
    "WorkStatus",
]
