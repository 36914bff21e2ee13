"""Monthly accrual (DOMAIN.md "Billing": "on the first day of month M, each apartment of a
managed lot is charged area × tariff for M. There is exactly one charge per (apartment,
month). A re-run is a no-op"; "Quarterly reports and suspension of accruals").

One lot at a time, under the lot's row lock, in one database transaction:

- a lot that is not ``managed`` (or has no MC) is not charged;
- a lot already charged for M (its accrual transaction of M exists: one per lot and
  month, a partial unique constraint) is left as it is: the re-run is a no-op, one index
  probe per lot;
- a lot whose accrual is suspended for M (a ``Suspension`` covering the 1st of M) is
  skipped, and M is recorded as suspended for it (``SuspendedMonth``, once); a month
  recorded so is never charged later, whatever becomes of the suspension (DOMAIN.md:
  skipped months are "never recalculated");
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
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from billing.ledger import account_for, cached_balances_move
from billing.models import (
    AccountKind,
    AccrualLotResult,
    AccrualRun,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    SuspendedMonth,
    Suspension,
    Tariff,
    TransactionKind,
)
from buildings.models import Apartment
from lots.models import Lot, LotBuilding, LotStatus
from lots.receivers import lots_changed


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
        f"(SELECT 1 FROM {entry} e WHERE e.apartment_id = a.id "  # noqa: S608  # nosec B608 # identifiers from _meta; values bound
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
    batch: list[tuple[int, int, int]], period: dt.date, *, skip_charged: bool
) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """Insert the charges of ``batch`` — (lot, its ledger transaction, its tariff) — for
    ``period`` in one ``INSERT … SELECT`` over the lots' apartments. Returns the apartments
    of each lot, and the count and sum of the charges inserted per transaction.

    With ``skip_charged``, ``ON CONFLICT … DO NOTHING`` on the partial unique index
    (month, apartment) skips an apartment already charged (through another lot that held
    its building earlier in the month); without it such an apartment raises the unique
    violation."""
    entry = LedgerEntry._meta.db_table
    values = ", ".join(["(%s, %s, %s)"] * len(batch))
    mapping = f"lots (lot_id, txn_id, tariff) AS (VALUES {values})"
    params: list[int | dt.date] = [v for row in batch for v in row]
    apt = Apartment._meta.db_table
    member = LotBuilding._meta.db_table
    select = (
        "SELECT CAST(t.txn_id AS BIGINT) AS transaction_id, a.id AS apartment_id, "  # noqa: S608  # nosec B608 # identifiers from _meta; values bound
        "(CAST(ROUND(a.area_m2 * 100) AS BIGINT) * t.tariff + 50) / 100 AS amount_tiyin, "
        "t.lot_id AS lot_id "
        f"FROM lots t JOIN {member} m ON m.lot_id = t.lot_id "
        f"JOIN {apt} a ON a.building_id = m.building_id"
    )
    columns = "(transaction_id, apartment_id, account_id, amount_tiyin, kind, period)"
    conflict = "ON CONFLICT (period, apartment_id) WHERE kind = 'charge' DO NOTHING"
    if not skip_charged:
        conflict = ""
    txn_ids = [txn for _lot, txn, _tariff in batch]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not skip_charged:
            # every apartment is inserted (or the unique index raises): the counts of the
            # lots' apartments are the counts inserted
            cursor.execute(
                f"WITH {mapping}, ins AS (INSERT INTO {entry} {columns} "  # noqa: S608  # nosec B608 # identifiers from _meta; values bound
                "SELECT transaction_id, apartment_id, NULL, amount_tiyin, 'charge', %s "
                f"FROM ({select}) AS src RETURNING transaction_id, amount_tiyin) "
                "SELECT 'txn', transaction_id, COUNT(*), SUM(amount_tiyin) FROM ins "
                "GROUP BY transaction_id",
                [*params, period],
            )
            rows = cursor.fetchall()
            lot_of = {txn: lot for lot, txn, _tariff in batch}
            rows += [("lot", lot_of[int(txn)], n, 0) for _kind, txn, n, _sum in list(rows)]
        elif connection.vendor == "postgresql":
            cursor.execute(
                f"WITH {mapping}, src AS MATERIALIZED ({select}), "  # noqa: S608  # nosec B608 # identifiers from _meta; values bound
                f"ins AS (INSERT INTO {entry} {columns} "
                "SELECT transaction_id, apartment_id, NULL, amount_tiyin, 'charge', %s "
                f"FROM src {conflict} RETURNING transaction_id, amount_tiyin) "
                "SELECT 'lot', lot_id, COUNT(*), 0 FROM src GROUP BY lot_id UNION ALL "
                "SELECT 'txn', transaction_id, COUNT(*), SUM(amount_tiyin) FROM ins "
                "GROUP BY transaction_id",
                [*params, period],
            )
            rows = cursor.fetchall()
        else:  # SQLite has no INSERT in a WITH; its planner uses the indexes here
            cursor.execute(
                f"WITH {mapping} INSERT INTO {entry} {columns} "  # noqa: S608  # nosec B608 # identifiers from _meta; values bound
                "SELECT transaction_id, apartment_id, NULL, amount_tiyin, 'charge', %s "
                f"FROM ({select}) AS src WHERE true {conflict}",
                [*params, period],
            )
            marks = ", ".join(["%s"] * len(txn_ids))
            cursor.execute(
                f"SELECT 'txn', transaction_id, COUNT(*), SUM(amount_tiyin) FROM {entry} "  # noqa: S608  # nosec B608 # identifiers from _meta; values bound
                f"WHERE transaction_id IN ({marks}) GROUP BY transaction_id",
                txn_ids,
            )
            rows = cursor.fetchall()
            cursor.execute(
                f"WITH {mapping} SELECT 'lot', t.lot_id, COUNT(*), 0 FROM lots t "  # noqa: S608  # nosec B608 # identifiers from _meta; values bound
                f"JOIN {member} m ON m.lot_id = t.lot_id "
                f"JOIN {apt} a ON a.building_id = m.building_id GROUP BY t.lot_id",
                params,
            )
            rows += cursor.fetchall()
    apartments = {int(key): int(n) for kind, key, n, _sum in rows if kind == "lot"}
    inserted = {int(key): (int(n), int(total)) for kind, key, n, total in rows if kind == "txn"}
    return apartments, inserted


def _charges_of(txns: dict[int, int]) -> dict[int, int]:
    """The number of charges of each lot's accrual transaction (``txns``: transaction per
    lot)."""
    counts = dict(
        LedgerEntry.objects.filter(transaction_id__in=list(txns.values()), kind="charge")
        .values("transaction_id")
        .annotate(n=Count("pk"))
        .values_list("transaction_id", "n")
    )
    return {lot_id: counts.get(pk, 0) for lot_id, pk in txns.items()}


class _LotState(NamedTuple):
    accrual_txn: int | None
    suspension_in_force: int | None
    month_skipped: bool
    tariff_tiyin: int | None


def _lots_state(lot_ids: list[int], period: dt.date) -> dict[int, _LotState]:
    """What the month's accrual of each lot depends on, read in one query once the lots are
    locked (so it sees what a concurrent run committed before the lock was granted): each
    lot annotated with its accrual transaction of ``period`` (``accrual_txn``), the
    suspension in force on ``period`` (``suspension_in_force``, the latest started, as
    ``suspension_of``), whether the month is recorded as suspended (``month_skipped``),
    and the tariff in force (``tariff_tiyin``, as ``tariff_in_force``)."""
    accrual = LedgerTransaction.objects.filter(
        kind=TransactionKind.ACCRUAL, lot_id=OuterRef("pk"), period=period
    )
    suspension = (
        Suspension.objects.filter(lot_id=OuterRef("pk"), starts_on__lte=period)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=period))
        .order_by("-starts_on", "-pk")
    )
    tariff = Tariff.objects.filter(lot_id=OuterRef("pk"), effective_from__lte=period).order_by(
        "-effective_from", "-set_at", "-pk"
    )
    rows = (
        Lot.objects.filter(pk__in=lot_ids)
        .annotate(
            accrual_txn=Subquery(accrual.values("pk")[:1]),
            suspension_in_force=Subquery(suspension.values("pk")[:1]),
            month_skipped=Exists(
                SuspendedMonth.objects.filter(lot_id=OuterRef("pk"), period=period)
            ),
            tariff_tiyin=Subquery(tariff.values("tiyin_per_m2")[:1]),
        )
        .values_list("pk", "accrual_txn", "suspension_in_force", "month_skipped", "tariff_tiyin")
    )
    return {row[0]: _LotState(*row[1:]) for row in rows}


def _lot_apartment_counts(lot_ids: list[int]) -> dict[int, int]:
    return dict(
        Apartment.objects.filter(building__lot_membership__lot_id__in=lot_ids)
        .values("building__lot_membership__lot_id")
        .annotate(n=Count("pk"))
        .values_list("building__lot_membership__lot_id", "n")
    )


class _LotByLot(Exception):
    """A lot of a batch has nothing to charge: the batch is redone lot by lot."""


def _charge(
    lots: list[Lot],
    tariffs: dict[int, int],
    period: dt.date,
    at: dt.datetime,
    results: dict[int, LotAccrual],
    *,
    skip_charged: bool,
) -> None:
    """The ledger transactions of ``lots`` (one each), their charges in one statement, and
    one credit per lot to its MC's contribution income. A lot none of whose apartments is
    left to charge gets no transaction (only possible with ``skip_charged``, one lot at a
    time: the caller's savepoint is rolled back)."""
    txns = [
        LedgerTransaction(
            kind=TransactionKind.ACCRUAL,
            at=at,
            period=period,
            lot_id=lot.pk,
            memo=f"{lot.code} {period:%Y-%m}",
        )
        for lot in lots
    ]
    for txn in txns:
        # the lot is the one locked here: no query to prove it exists
        txn.full_clean(
            exclude=["reverses", "lot"], validate_unique=False, validate_constraints=False
        )
    LedgerTransaction.objects.bulk_create(txns)
    batch = [(lot.pk, txn.pk, tariffs[lot.pk]) for lot, txn in zip(lots, txns, strict=True)]
    apartments, inserted = _charges_insert(batch, period, skip_charged=skip_charged)
    incomes: list[LedgerEntry] = []
    moves: dict[int, int] = {}
    accounts: dict[int, LedgerAccount] = {}
    for lot, txn in zip(lots, txns, strict=True):
        count, total = inserted.get(txn.pk, (0, 0))
        result = results[lot.pk]
        result.already_charged = apartments.get(lot.pk, 0) - count
        if not count:  # no apartment, or every one charged through another lot
            if len(lots) != 1:
                raise _LotByLot
            transaction.set_rollback(True)
            return
        manager_id = lot.manager_id
        assert manager_id is not None
        if manager_id not in accounts:
            accounts[manager_id] = account_for(AccountKind.CONTRIBUTIONS, company_id=manager_id)
        income = accounts[manager_id]
        incomes.append(
            LedgerEntry(
                transaction=txn, account=income, amount_tiyin=-total, kind=TransactionKind.ACCRUAL
            )
        )
        moves[income.pk] = moves.get(income.pk, 0) - total
        result.charged, result.total_tiyin = count, total
    LedgerEntry.objects.bulk_create(incomes)
    cached_balances_move(moves)


@transaction.atomic
def accrual_lots(
    *, lot_ids: list[int], period: dt.date, at: dt.datetime | None = None
) -> list[LotAccrual]:
    """Charge the lots of ``lot_ids`` for ``period`` (the 1st of a month) in one database
    transaction: the lots locked in id order, each charged as the module docstring says,
    the charges of all of them in one statement. A Celery task passes one lot; the
    inline run passes settings.ACCRUAL_LOTS_PER_TRANSACTION at a time."""
    at = at or timezone.now()
    results = {pk: LotAccrual(lot_id=pk) for pk in lot_ids}
    lots = [
        lot
        for lot in Lot.objects.select_for_update().filter(pk__in=lot_ids).order_by("pk")
        if lot.status == LotStatus.MANAGED and lot.manager_id is not None
    ]
    state = _lots_state([lot.pk for lot in lots], period) if lots else {}
    accrued = {pk: st.accrual_txn for pk, st in state.items() if st.accrual_txn is not None}
    for lot_id, charges in (_charges_of(accrued) if accrued else {}).items():
        results[lot_id].already_charged = charges  # a re-run: the month is charged
    lots = [lot for lot in lots if lot.pk not in accrued]
    # a month once skipped stays skipped (DOMAIN.md: "never recalculated"), even after its
    # suspension was lifted or shortened
    skipped = {lot.pk for lot in lots if state[lot.pk].month_skipped}
    for lot_id, n in (_lot_apartment_counts(sorted(skipped)) if skipped else {}).items():
        results[lot_id].skipped_suspended = n
    lots = [lot for lot in lots if lot.pk not in skipped]
    suspended: dict[int, int] = {}
    for lot in lots:
        suspension_id = state[lot.pk].suspension_in_force
        if suspension_id is not None:
            suspended[lot.pk] = suspension_id
    if suspended:
        SuspendedMonth.objects.bulk_create(
            [
                SuspendedMonth(
                    lot_id=lot_id, period=period, suspension_id=suspension_id, recorded_at=at
                )
                for lot_id, suspension_id in sorted(suspended.items())
            ],
            ignore_conflicts=True,
        )
        for lot_id, n in _lot_apartment_counts(list(suspended)).items():
            results[lot_id].skipped_suspended = n
    lots = [lot for lot in lots if lot.pk not in suspended]
    tariffs: dict[int, int] = {}
    for lot in lots:
        tiyin = state[lot.pk].tariff_tiyin
        if tiyin is not None:
            tariffs[lot.pk] = tiyin
    for lot in lots:
        if lot.pk not in tariffs:
            total, charged_before = lot_charge_counts(lot.pk, period)
            results[lot.pk].already_charged = charged_before
            results[lot.pk].no_tariff = total - charged_before
    lots = [lot for lot in lots if lot.pk in tariffs]
    if lots:
        try:  # the common case: none of the lots' apartments is charged for the month yet
            with transaction.atomic():
                _charge(lots, tariffs, period, at, results, skip_charged=False)
        except (IntegrityError, _LotByLot):  # one was, through another lot (or a lot has no
            # apartment): lot by lot, skipping the charged ones
            for lot in lots:
                with transaction.atomic():
                    _charge([lot], tariffs, period, at, results, skip_charged=True)
    lots_changed(lot_ids)  # the owners' cached bills (buildings.owner_pages)
    return [results[pk] for pk in lot_ids]


def accrual_lot(*, lot_id: int, period: dt.date, at: dt.datetime | None = None) -> LotAccrual:
    """Charge one lot for ``period`` (the 1st of a month); see the module docstring."""
    (result,) = accrual_lots(lot_ids=[lot_id], period=period, at=at)
    return result


def lots_per_transaction() -> int:
    """The inline run's batch: lots charged in one database transaction and one statement
    (settings.ACCRUAL_LOTS_PER_TRANSACTION)."""
    return int(settings.ACCRUAL_LOTS_PER_TRANSACTION)


def accrual_lots_record(*, run_id: int, lot_ids: list[int], period: dt.date) -> list[LotAccrual]:
    """Accrue the lots and write their results for the run (a retried task writes each
    once: one INSERT … ON CONFLICT DO NOTHING on (run, lot), the first result stays)."""
    results = accrual_lots(lot_ids=lot_ids, period=period)
    now = timezone.now()
    AccrualLotResult.objects.bulk_create(
        [AccrualLotResult(run_id=run_id, finished_at=now, **r.as_dict()) for r in results],
        ignore_conflicts=True,
    )
    return results


def accrual_lot_record(*, run_id: int, lot_id: int, period: dt.date) -> LotAccrual:
    """Accrue one lot and write its result for the run (the Celery task's work)."""
    (result,) = accrual_lots_record(run_id=run_id, lot_ids=[lot_id], period=period)
    return result


def managed_lot_ids() -> list[int]:
    return list(
        Lot.objects.filter(status=LotStatus.MANAGED, manager__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def accrual_run_start(*, period: dt.date, inline: bool) -> tuple[AccrualRun, list[int]]:
    """A run over every managed lot. The suspension rule is applied first, as of today
    (Asia/Tashkent): on the 1st of the month after a quarter, a lot whose report is
    missing is suspended before its month is charged, whatever the order of the beat
    entries (billing.reports.enforce_quarterly_reports; idempotent)."""
    from billing.reports import enforce_quarterly_reports

    enforce_quarterly_reports(as_of=timezone.localdate())
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
