"""Monthly accrual (DOMAIN.md "Billing": "on the first day of month M, each apartment of a
managed lot is charged area × tariff for M. There is exactly one charge per (apartment,
month). A re-run is a no-op"; "Quarterly reports and suspension of accruals").

One lot at a time, under the lot's row lock, in one database transaction:

- a lot that is not ``managed`` (or has no MC) is not charged;
- a lot already charged for M (its accrual transaction of M exists: one per lot and
  month, a partial unique constraint) is left as it is: the re-run is a no-op, one index
  probe per lot;
- a lot whose accrual is suspended for M (a ``Suspension`` covering the 1st of M) is
  skipped, and M is recorded as suspended for it (``SuspendedMonth``, once);
- a lot without a tariff in force on the 1st of M is not charged, and the run says so;
- otherwise one ledger transaction: a ``charge`` entry per apartment of the lot (one
  ``INSERT … SELECT``; the partial unique index on (month, apartment) skips an apartment
  already charged for M through another lot), and one credit of the sum to the MC's
  contribution income. Nothing is written when every apartment was charged already.

Chosen where DOMAIN.md is silent: the month of a lot is charged once, for the apartments
the lot holds when it is charged; an apartment registered in the lot's buildings later in
the month is charged from the next month (a re-run never adds a whole month's charge for
an apartment that appeared on the 20th).

The charge is area × tariff rounded half up to the tiyin, in integer arithmetic on both
databases: ``(centi-m² × tiyin per m² + 50) div 100``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from billing.ledger import account_for, cached_balances_move
from billing.models import (
    AccountKind,
    AccrualLotResult,
    AccrualRun,
    LedgerEntry,
    LedgerTransaction,
    SuspendedMonth,
    Suspension,
    Tariff,
    TransactionKind,
)
from buildings.models import Apartment
from lots.models import Lot, LotBuilding, LotStatus


@dataclass
class LotAccrual:
    lot_id: int
    charged: int = 0
    already_charged: int = 0
    skipped_suspended: int = 0
    no_tariff: int = 0
    total_tiyin: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def tariff_in_force(lot_id: int, period: dt.date) -> Tariff | None:
    """The tariff with the latest start on or before the 1st of the month (the latest
    set, for a start set twice)."""
    return (
        Tariff.objects.filter(lot_id=lot_id, effective_from__lte=period)
        .order_by("-effective_from", "-set_at", "-pk")
        .first()
    )


def suspension_of(lot_id: int, period: dt.date) -> Suspension | None:
    return (
        Suspension.objects.filter(lot_id=lot_id, starts_on__lte=period)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=period))
        .order_by("-starts_on", "-pk")
        .first()
    )


def _lot_apartments_sql() -> str:
    """Apartment ``a`` of lot %s (through the lot's buildings)."""
    apt = Apartment._meta.db_table
    member = LotBuilding._meta.db_table
    return f"FROM {apt} a JOIN {member} m ON m.building_id = a.building_id WHERE m.lot_id = %s"


def _charged_sql() -> str:
    """Whether apartment ``a`` has its charge for month %s: one probe of the unique index
    on (apartment, month). Written as a scalar subquery of the select list, which the
    planner runs per apartment and never turns into a join with the whole ledger (a join
    it might pick on stale statistics, reading millions of entries per lot)."""
    entry = LedgerEntry._meta.db_table
    return (
        f"(SELECT 1 FROM {entry} e WHERE e.apartment_id = a.id "  # noqa: S608
        "AND e.period = %s AND e.kind = 'charge')"
    )


def lot_charge_counts(lot_id: int, period: dt.date) -> tuple[int, int]:
    """The lot's apartments, and how many of them are charged for ``period``."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COUNT({_charged_sql()}) {_lot_apartments_sql()}",
            [period, lot_id],
        )
        total, charged = cursor.fetchone()
    return int(total), int(charged)


def _charges_insert(
    txn_id: int, tariff: int, period: dt.date, lot_id: int, *, skip_charged: bool
) -> tuple[int, int, int]:
    """Insert the lot's charges for ``period``: (the lot's apartments, the charges
    inserted, their sum).

    One ``INSERT … SELECT`` over the lot's apartments. With ``skip_charged``, ``ON CONFLICT
    … DO NOTHING`` on the partial unique index (month, apartment) skips an apartment
    already charged (through another lot that held its building earlier in the month);
    without it such an apartment raises the unique violation."""
    entry = LedgerEntry._meta.db_table
    select = (
        "SELECT CAST(%s AS BIGINT) AS transaction_id, a.id AS apartment_id, "
        "(CAST(ROUND(a.area_m2 * 100) AS BIGINT) * %s + 50) / 100 AS amount_tiyin "
        f"{_lot_apartments_sql()}"
    )
    columns = "(transaction_id, apartment_id, account_id, amount_tiyin, kind, period)"
    conflict = "ON CONFLICT (period, apartment_id) WHERE kind = 'charge' DO NOTHING"
    if not skip_charged:
        conflict = ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH src AS MATERIALIZED ({select}), "  # noqa: S608
                f"ins AS (INSERT INTO {entry} {columns} "
                "SELECT transaction_id, apartment_id, NULL, amount_tiyin, 'charge', %s "
                f"FROM src {conflict} RETURNING amount_tiyin) "
                "SELECT (SELECT COUNT(*) FROM src), COUNT(*), COALESCE(SUM(amount_tiyin), 0) "
                "FROM ins",
                [txn_id, tariff, lot_id, period],
            )
            total, count, amount = cursor.fetchone()
        else:  # SQLite has no INSERT in a WITH; its planner uses the index here
            cursor.execute(
                f"INSERT INTO {entry} {columns} "  # noqa: S608
                "SELECT transaction_id, apartment_id, NULL, amount_tiyin, 'charge', %s "
                f"FROM ({select}) AS src WHERE true {conflict}",
                [period, txn_id, tariff, lot_id],
            )
            cursor.execute(
                f"SELECT COUNT(*), COALESCE(SUM(amount_tiyin), 0) FROM {entry} "  # noqa: S608
                "WHERE transaction_id = %s",
                [txn_id],
            )
            count, amount = cursor.fetchone()
            cursor.execute(f"SELECT COUNT(*) {_lot_apartments_sql()}", [lot_id])
            (total,) = cursor.fetchone()
    return int(total), int(count), int(amount)


def _accrued(lot_id: int, period: dt.date) -> int | None:
    """The charges of the lot's accrual of ``period``, or None when it has none yet (one
    per lot and month: the ledger's unique constraint)."""
    txn = (
        LedgerTransaction.objects.filter(kind=TransactionKind.ACCRUAL, lot_id=lot_id, period=period)
        .values_list("pk", flat=True)
        .first()
    )
    if txn is None:
        return None
    return LedgerEntry.objects.filter(transaction_id=txn, kind="charge").count()


@transaction.atomic
def accrual_lot(*, lot_id: int, period: dt.date, at: dt.datetime | None = None) -> LotAccrual:
    """Charge one lot for ``period`` (the 1st of a month); see the module docstring."""
    at = at or timezone.now()
    result = LotAccrual(lot_id=lot_id)
    lot = Lot.objects.select_for_update().filter(pk=lot_id).first()
    if lot is None or lot.status != LotStatus.MANAGED or lot.manager_id is None:
        return result
    accrued = _accrued(lot_id, period)
    if accrued is not None:  # a re-run: the month is charged
        result.already_charged = accrued
        return result
    suspension = suspension_of(lot_id, period)
    if suspension is not None:
        SuspendedMonth.objects.get_or_create(
            lot_id=lot_id, period=period, defaults={"suspension": suspension, "recorded_at": at}
        )
        result.skipped_suspended = Apartment.objects.filter(
            building__lot_membership__lot_id=lot_id
        ).count()
        return result
    tariff = tariff_in_force(lot_id, period)
    if tariff is None:
        total, charged_before = lot_charge_counts(lot_id, period)
        result.already_charged = charged_before
        result.no_tariff = total - charged_before
        return result
    with transaction.atomic():  # a savepoint: no ledger transaction without charges
        txn = LedgerTransaction(
            kind=TransactionKind.ACCRUAL,
            at=at,
            period=period,
            lot_id=lot_id,
            memo=f"{lot.code} {period:%Y-%m}",
        )
        txn.full_clean(exclude=["reverses"], validate_constraints=False)
        txn.save()
        args = (txn.pk, tariff.tiyin_per_m2, period, lot_id)
        try:  # the common case: none of the lot's apartments is charged for the month yet
            with transaction.atomic():
                total, count, total_tiyin = _charges_insert(*args, skip_charged=False)
        except IntegrityError:  # one was, through another lot: skip it (and any other)
            total, count, total_tiyin = _charges_insert(*args, skip_charged=True)
        result.already_charged = total - count
        if not count:  # every apartment was charged through another lot
            transaction.set_rollback(True)
            return result
        income = account_for(AccountKind.CONTRIBUTIONS, company_id=lot.manager_id)
        LedgerEntry.objects.create(
            transaction=txn,
            account=income,
            amount_tiyin=-total_tiyin,
            kind=TransactionKind.ACCRUAL,
        )
        cached_balances_move({income.pk: -total_tiyin})
    result.charged = count
    result.total_tiyin = total_tiyin
    return result


def accrual_lot_record(*, run_id: int, lot_id: int, period: dt.date) -> LotAccrual:
    """Accrue one lot and write its result for the run (a retried task writes it once)."""
    result = accrual_lot(lot_id=lot_id, period=period)
    # one INSERT … ON CONFLICT DO NOTHING on (run, lot): the first result stays
    AccrualLotResult.objects.bulk_create(
        [AccrualLotResult(run_id=run_id, finished_at=timezone.now(), **result.as_dict())],
        ignore_conflicts=True,
    )
    return result


def managed_lot_ids() -> list[int]:
    return list(
        Lot.objects.filter(status=LotStatus.MANAGED, manager__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def accrual_run_start(*, period: dt.date, inline: bool) -> tuple[AccrualRun, list[int]]:
    lots = managed_lot_ids()
    run = AccrualRun.objects.create(
        period=period, started_at=timezone.now(), lots=len(lots), inline=inline
    )
    return run, lots


def accrual_run_summary(run: AccrualRun) -> dict[str, int]:
    """The run's totals from its lots' results."""
    totals = dict.fromkeys(
        ("charged", "already_charged", "skipped_suspended", "no_tariff", "total_tiyin"), 0
    )
    for row in run.results.values(*totals):
        for key in totals:
            totals[key] += row[key]
    return totals | {"lots": run.lots, "lots_done": run.results.count()}
