"""`bench/run.py accrual --scale S`: the monthly accrual of every apartment of the country
(issue 10, point 13).

Setup (idempotent): the national registry at the scale (bench/run.py ``ensure_national``),
lots formed over it (``lots_form``) if the generated buildings are in none, and every such
lot made ``managed`` by one of the generated management companies (in turn), with one
tariff (TARIFF tiyin per m², in force since 2020). Lots of the other benchmarks (codes
``BENCH-…``) are left alone.

Each run takes a month no apartment has been charged for yet (the month after the latest
charged one): the ledger is append-only, so a month is used once.

Measured in this process, on this database, after one warm-up read of the apartments:

- ``accrual_s``: ``manage.py accrue --period M --json``, as production runs the month:
  one Celery task per lot, fanned out to a worker with one process per core (WORKERS,
  Redis as the broker: BROKER), the command following the lots' results. Each task is
  the lot under its row lock, its ledger transaction, the set-based insert, the MC's
  income entry and the lot's result;
- ``accrual_inline_s``: ``accrue --period M+1 --inline --json``, the same lots in this
  process, ACCRUAL_LOTS_PER_TRANSACTION at a time (one database transaction and one
  statement of charges per batch; ``inline_ratio`` against the same floor);
- ``floor_s``: one ``INSERT … SELECT`` of the same charge rows (same columns, same amounts)
  into a table with the ledger entries' indexes and check constraints, committed
  (PostgreSQL: ``LIKE … INCLUDING ALL``; it has no foreign keys and none of the ledger's
  triggers, which the accrual pays for). The table is dropped afterwards;
- ``rerun_cold_s``: the same command again at once, a no-op (it must charge nothing);
- ``rerun_s``: once more, after ``VACUUM (ANALYZE)`` of the ledger entries
  (``vacuum_s``), which autovacuum runs after an insert of millions of rows. This
  machine's PostgreSQL has autovacuum switched off; production's has it on. Without it
  every probe of the (apartment, month) index also reads the heap page, since nothing
  marks the new pages all-visible.

The set-up also vacuums and analyzes the tables it loaded (not timed).

Prints ``{"apartments", "accrual_s", "floor_s", "ratio", "rerun_s"}`` with the lots, the
month and the run's own summary.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from core.periods import month_next

TARIFF = 1_350  # tiyin per m² per month
WORKERS = os.cpu_count() or 2
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/9")
FLOOR_TABLE = "bench_accrual_floor"
FIRST_PERIOD = dt.date(2031, 1, 1)
BENCH_LOTS = "BENCH-"
BENCH_USER = "bench-accrual@bench.uz"

Say = Callable[[str], None]


def billing_wipe() -> None:
    """Empty the billing tables (ledger, payments, accrual runs, tariffs…) and zero the
    cached balances, bypassing the ledger's append-only rule, which a regenerated registry
    needs (its apartments are gone). Benchmark databases only: bench/run.py refuses to run
    in production."""
    from django.apps import apps
    from django.db import connection

    from billing.models import LedgerAccount

    tables = [
        m._meta.db_table
        for m in apps.get_app_config("billing").get_models()
        if m is not LedgerAccount and not m._meta.proxy
    ]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:  # SQLite: no DELETE trigger there, and its foreign keys are checked at commit
            for table in tables:
                cur.execute(f"DELETE FROM {table}")
        cur.execute(f"UPDATE {LedgerAccount._meta.db_table} SET balance_tiyin = 0")


def _generated_lots() -> Any:
    from lots.models import Lot

    return Lot.objects.exclude(code__startswith=BENCH_LOTS).filter(members__isnull=False).distinct()


def setup(scale: float, say: Say) -> list[int]:
    """Lots over the generated registry, managed, with a tariff; their ids. Below scale 1
    the lots are formed with a minimum scaled down like the registry (at least 100
    apartments): a region of a small registry holds fewer than 7,000."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import override_settings
    from django.utils import timezone

    from accounts.models import User
    from billing.models import Tariff
    from lots.forming import lots_form
    from lots.models import Lot, LotStatus
    from organizations.models import ManagementCompany

    if not _generated_lots().exists():
        minimum = settings.LOT_MIN_APARTMENTS
        if scale < 1:
            minimum = max(100, int(minimum * scale))
        say(f"forming lots over the national registry (at least {minimum} apartments)")
        with override_settings(LOT_MIN_APARTMENTS=minimum):
            lots_form()
    lots = list(_generated_lots().order_by("pk"))
    unmanaged = [lot for lot in lots if lot.status != LotStatus.MANAGED or not lot.manager_id]
    untariffed = set(
        Lot.objects.filter(pk__in=[lot.pk for lot in lots], tariffs__isnull=True).values_list(
            "pk", flat=True
        )
    )
    # The quarterly-report rule, which every accrual run applies first, is not what this
    # measures: the lots are dated now (they have no status history), so they owe no
    # report of a quarter already ended.
    Lot.objects.filter(pk__in=[lot.pk for lot in lots]).update(created_at=timezone.now())
    if not unmanaged and not untariffed:
        return [lot.pk for lot in lots]
    say(f"making {len(unmanaged)} lots managed, {len(untariffed)} with a tariff")
    companies = list(ManagementCompany.objects.order_by("pk").values_list("pk", flat=True))
    user, _ = User.objects.get_or_create(email=BENCH_USER)
    now = timezone.now()
    with transaction.atomic():
        for n, lot in enumerate(unmanaged):
            lot.manager_id = companies[n % len(companies)]
            lot.status = LotStatus.MANAGED
            lot.approved_at = lot.approved_at or now
        Lot.objects.bulk_update(unmanaged, ["manager", "status", "approved_at"])
        Tariff.objects.bulk_create(
            Tariff(
                lot_id=pk,
                effective_from=dt.date(2020, 1, 1),
                tiyin_per_m2=TARIFF,
                set_by=user,
                set_by_role="inspector",
                set_at=now,
                reason="bench",
            )
            for pk in sorted(untariffed)
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE lots_lot; ANALYZE lots_lotbuilding; ANALYZE billing_tariff")
    return [lot.pk for lot in lots]


def _fresh_period() -> dt.date:
    """The month after the latest charged one (FIRST_PERIOD on an empty ledger)."""
    from django.db.models import Max

    from billing.models import LedgerEntry
    from core.periods import month_start

    latest = LedgerEntry.objects.filter(kind="charge").aggregate(m=Max("period"))["m"]
    if latest is None or latest < FIRST_PERIOD:
        return FIRST_PERIOD
    return month_next(month_start(latest))


def _charges_select(lot_ids: list[int]) -> tuple[str, list[Any]]:
    """The charge rows of the lots: apartment, amount (the accrual's integer rounding)."""
    placeholders = ", ".join(["%s"] * len(lot_ids))
    return (
        "SELECT a.id AS id, (CAST(ROUND(a.area_m2 * 100) AS BIGINT) * %s + 50) / 100 AS amount "
        "FROM buildings_apartment a JOIN lots_lotbuilding m ON m.building_id = a.building_id "
        f"WHERE m.lot_id IN ({placeholders})",
        [TARIFF, *lot_ids],
    )


def _warm(lot_ids: list[int]) -> int:
    from django.db import connection

    sql, params = _charges_select(lot_ids)
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*), SUM(x.amount) FROM ({sql}) AS x", params)
        return int(cur.fetchone()[0])


def _floor(lot_ids: list[int], period: dt.date, transaction_id: int) -> tuple[float, int]:
    """One INSERT … SELECT of the same charge rows into a copy of the entries table."""
    from django.db import connection, transaction

    from billing.models import LedgerEntry

    entry = LedgerEntry._meta.db_table
    sql, params = _charges_select(lot_ids)
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        if connection.vendor == "postgresql":
            cur.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE {entry} INCLUDING ALL)")
        else:
            cur.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL"
                " AND type IN ('table', 'index') ORDER BY type DESC",
                [entry],
            )
            for (ddl,) in cur.fetchall():
                cur.execute(
                    ddl.replace(f'"{entry}"', f'"{FLOOR_TABLE}"')
                    .replace('"ledger_', '"floor_ledger_')
                    .replace(f'"{entry}_', f'"{FLOOR_TABLE}_')
                )
    try:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {FLOOR_TABLE} "
                "(transaction_id, apartment_id, account_id, amount_tiyin, kind, period) "
                f"SELECT %s, x.id, NULL, x.amount, 'charge', %s FROM ({sql}) AS x",
                [transaction_id, period, *params],
            )
            rows = cur.rowcount
        return time.perf_counter() - started, rows
    finally:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")


def _vacuum(tables: list[str]) -> float:
    """``VACUUM (ANALYZE)`` on PostgreSQL (outside a transaction), ``ANALYZE`` on SQLite."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cur:
        for table in tables:
            if connection.vendor == "postgresql":
                cur.execute(f"VACUUM (ANALYZE) {table}")
            else:
                cur.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


LOADED = [
    "billing_ledgerentry",
    "billing_ledgertransaction",
    "lots_lot",
    "lots_lotbuilding",
    "billing_tariff",
    "buildings_apartment",
]


def _accrue(period: dt.date, *, inline: bool = True) -> tuple[float, dict[str, Any]]:
    from django.core.management import call_command

    out = io.StringIO()
    args = ["accrue", "--period", f"{period:%Y-%m}", "--json", *(["--inline"] if inline else [])]
    started = time.perf_counter()
    call_command(*args, stdout=out)
    return time.perf_counter() - started, json.loads(out.getvalue())


def _worker_start(say: Say) -> subprocess.Popen[bytes]:
    """A Celery worker (WORKERS processes) on the same database, Redis as the broker; this
    process sends to the same broker. Returns once the worker answers a ping."""
    import redis

    from bench.ballots import ROOT, _server_env
    from mening_uyim.celery import app

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        raise RuntimeError(
            f"the accrual benchmark fans the month out through Redis at {BROKER} ({exc});"
            " start Redis (redis-server --daemonize yes --port 6379) or set BENCH_BROKER_URL"
        ) from exc
    app.conf.broker_url = BROKER
    env = _server_env() | {"REDIS_URL": BROKER, "CELERY_BROKER_URL": BROKER}
    say(f"starting a Celery worker ({WORKERS} processes), broker {BROKER}")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mening_uyim",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(WORKERS),
            "--loglevel",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"bench-accrual-{os.getpid()}",
        ],
        env=env,
        stdout=sys.stderr,
        stderr=sys.stderr,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            raise RuntimeError("the Celery worker did not start")
    return worker


def _worker_stop(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()


def bench_accrual(scale: float, say: Say) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection

    from billing.models import LedgerTransaction

    if settings.PRODUCTION:
        raise RuntimeError("the accrual benchmark never runs with DJANGO_ENV=production")
    lot_ids = setup(scale, say)
    _vacuum(LOADED)
    period = _fresh_period()
    say(f"warming up; accruing {period:%Y-%m} over {len(lot_ids)} lots, fanned out")
    apartments = _warm(lot_ids)
    worker = _worker_start(say)
    try:
        accrual_s, summary = _accrue(period, inline=False)
    finally:
        _worker_stop(worker)
    if summary["charged"] != apartments:
        raise RuntimeError(f"the accrual charged {summary['charged']}, not {apartments}")
    _vacuum(["billing_ledgerentry"])  # as autovacuum would, between two months
    inline_period = month_next(period)
    say(f"accruing {inline_period:%Y-%m} inline")
    accrual_inline_s, inline_summary = _accrue(inline_period)
    if inline_summary["charged"] != apartments:
        raise RuntimeError(f"the inline accrual charged {inline_summary['charged']}")
    some_txn = LedgerTransaction.objects.filter(kind="accrual", period=period).first()
    assert some_txn is not None
    say("the floor: one INSERT … SELECT of the same rows")
    floor_s, rows = _floor(lot_ids, period, some_txn.pk)
    if rows != apartments:
        raise RuntimeError(f"the floor wrote {rows} rows, not {apartments}")
    say("re-running the accrual (a no-op)")
    rerun_cold_s, again = _accrue(period)
    vacuum_s = _vacuum(["billing_ledgerentry"])
    rerun_s, again_vacuumed = _accrue(period)
    for rerun in (again, again_vacuumed):
        if rerun["charged"] != 0 or rerun["already_charged"] != apartments:
            raise RuntimeError(f"the re-run was not a no-op: {rerun}")
    return {
        "apartments": apartments,
        "lots": len(lot_ids),
        "period": f"{period:%Y-%m}",
        "accrual_s": round(accrual_s, 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(accrual_s / floor_s, 2) if floor_s else None,
        "accrual_inline_s": round(accrual_inline_s, 3),
        "inline_ratio": round(accrual_inline_s / floor_s, 2) if floor_s else None,
        "workers": WORKERS,
        "rerun_s": round(rerun_s, 3),
        "rerun_cold_s": round(rerun_cold_s, 3),
        "vacuum_s": round(vacuum_s, 3),
        "total_tiyin": summary["total_tiyin"],
        "database": connection.vendor,
    }
