"""Monthly accrual (DOMAIN.md "Billing": "on the first day of month M, each apartment of a
managed lot is charged area × tariff for M. There is exactly one charge per (apartment,
month). A re-run is a no-op"; "Quarterly reports and suspension of accruals").

One lot at a time, under the lot's row lock, in one database transaction:

- a lot that is not ``managed`` (or has no MC) is not charged;
- a lot whose accrual is suspended for M (a ``Suspension`` covering the 1st of M) is
  skipped, and M is recorded as suspended for it (``SuspendedMonth``, once);
- a lot without a tariff in force on the 1st of M is not charged, and the run says so;
- otherwise one ledger transaction: a ``charge`` entry per apartment not yet charged for
  M (one ``INSERT … SELECT``; the partial unique index on (apartment, month) makes a
  concurrent or repeated run insert nothing), and one credit of the sum to the MC's
  contribution income. Nothing is written when every apartment is charged already.

The charge is area × tariff rounded half up to the tiyin, in integer arithmetic on both
databases: ``(centi-m² × tiyin per m² + 50) div 100``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import connection, transaction
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


def _charges_insert(txn_id: int, tariff: int, period: dt.date, lot_id: int) -> tuple[int, int]:
    """Insert the lot's charges not yet made for ``period``; their count and sum.

    One ``INSERT … SELECT`` over the lot's apartments; ``ON CONFLICT … DO NOTHING`` on the
    partial unique index (apartment, month) skips an apartment already charged (by an
    earlier or a concurrent run) with one index probe, whatever the planner thinks."""
    entry = LedgerEntry._meta.db_table
    insert = (
        f"INSERT INTO {entry} "
        "(transaction_id, apartment_id, account_id, amount_tiyin, kind, period) "
        "SELECT %s, a.id, NULL, "
        "(CAST(ROUND(a.area_m2 * 100) AS BIGINT) * %s + 50) / 100, 'charge', %s "
        f"{_lot_apartments_sql()} "
        "ON CONFLICT (apartment_id, period) WHERE kind = 'charge' DO NOTHING"
    )
    params: list[int | dt.date] = [txn_id, tariff, period, lot_id]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH ins AS ({insert} RETURNING amount_tiyin) "  # noqa: S608
                "SELECT COUNT(*), COALESCE(SUM(amount_tiyin), 0) FROM ins",
                params,
            )
        else:  # SQLite has no INSERT in a WITH; its planner uses the index here
            cursor.execute(insert, params)
            cursor.execute(
                f"SELECT COUNT(*), COALESCE(SUM(amount_tiyin), 0) FROM {entry} "  # noqa: S608
                "WHERE transaction_id = %s",
                [txn_id],
            )
        count, total = cursor.fetchone()
    return int(count), int(total)


@transaction.atomic
def accrual_lot(*, lot_id: int, period: dt.date, at: dt.datetime | None = None) -> LotAccrual:
    """Charge one lot for ``period`` (the 1st of a month); see the module docstring."""
    at = at or timezone.now()
    result = LotAccrual(lot_id=lot_id)
    lot = Lot.objects.select_for_update().filter(pk=lot_id).first()
    if lot is None or lot.status != LotStatus.MANAGED or lot.manager_id is None:
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
    total, charged_before = lot_charge_counts(lot_id, period)
    result.already_charged = charged_before
    if charged_before == total:
        return result
    tariff = tariff_in_force(lot_id, period)
    if tariff is None:
        result.no_tariff = total - charged_before
        return result
    txn = LedgerTransaction(
        kind=TransactionKind.ACCRUAL,
        at=at,
        period=period,
        lot_id=lot_id,
        memo=f"{lot.code} {period:%Y-%m}",
    )
    txn.full_clean(exclude=["reverses"])
    txn.save()
    count, total_tiyin = _charges_insert(txn.pk, tariff.tiyin_per_m2, period, lot_id)
    if not count:  # cannot happen under the lot's lock; never leave an empty transaction
        raise RuntimeError(f"accrual of lot {lot_id} for {period} inserted no charge")
    income = account_for(AccountKind.CONTRIBUTIONS, company_id=lot.manager_id)
    LedgerEntry.objects.create(
        transaction=txn, account=income, amount_tiyin=-total_tiyin, kind=TransactionKind.ACCRUAL
    )
    cached_balances_move({income.pk: -total_tiyin})
    result.charged = count
    result.total_tiyin = total_tiyin
    return result


def accrual_lot_record(*, run_id: int, lot_id: int, period: dt.date) -> LotAccrual:
    """Accrue one lot and write its result for the run (a retried task writes it once)."""
    result = accrual_lot(lot_id=lot_id, period=period)
    AccrualLotResult.objects.get_or_create(
        run_id=run_id,
        lot_id=lot_id,
        defaults={**result.as_dict(), "finished_at": timezone.now()} | {"lot_id": lot_id},
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
