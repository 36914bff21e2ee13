"""Crash safety of the accrual (issue 13, point 3), on PostgreSQL.

``accrue --inline`` runs in a real subprocess and is killed with SIGKILL at a random
moment, ten times, each time for a fresh month, and each time run again to its end. Then
a Celery worker is killed while it runs the per-lot tasks, a fresh worker started and
``accrue`` sent again. After every rerun: exactly one charge per (apartment, month), none
missing, none doubled, every amount area × tariff; the ledger zero-sum and ``ledger_check
--json`` clean. The figures (kills, kills that landed mid-month) are printed for
RELIABILITY.md (``pytest -s``).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from billing.models import LedgerEntry, Tariff
from buildings.models import Apartment, Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import Cast
from tests.subprocesses import celery_worker, test_database_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
LOTS = 12
FLATS = 250  # per lot: 3,000 apartments a month, one lot per transaction
TARIFF = 1_000  # tiyin per m²
KILLS = 10
SEED = 20261201


@pytest.fixture
def world(cast: Cast, make_building: Any) -> dict[str, Any]:
    council = cast.users["council"]
    now = timezone.now()
    lots = []
    for i in range(LOTS):
        building = make_building(flats=FLATS)
        Building.objects.filter(pk=building.pk).update(district=cast.district)
        # areas differ per flat, so an amount charged twice or to the wrong flat shows
        Apartment.objects.filter(building=building).update(area_m2=Decimal("40.5") + Decimal(i) / 4)
        lot = Lot.objects.create(
            code=f"UZ-TK-{700 + i}",
            region=cast.region,
            status=LotStatus.MANAGED,
            manager=cast.mc,
            approved_at=now,
        )
        LotBuilding.objects.create(lot=lot, building=building)
        Tariff.objects.create(
            lot=lot,
            effective_from=dt.date(2020, 1, 1),
            tiyin_per_m2=TARIFF,
            set_by=council,
            set_by_role="council_member",
            set_at=now,
        )
        lots.append(lot)
    return {"lots": lots, "apartments": LOTS * FLATS}


def _env(**extra: str) -> dict[str, str]:
    return test_database_env(ACCRUAL_LOTS_PER_TRANSACTION="1", **extra)


def _accrue(period: str, env: dict[str, str], *, inline: bool = True) -> subprocess.Popen[str]:
    args = [sys.executable, "manage.py", "accrue", "--period", period, "--json"]
    return subprocess.Popen(
        [*args, "--inline"] if inline else [*args, "--timeout", "120"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _charges(period: dt.date) -> int:
    return LedgerEntry.objects.filter(kind="charge", period=period).count()


def _assert_exact(period: dt.date, apartments: int) -> None:
    """One charge per apartment for the month, each area × tariff; the ledger clean."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT count(*), count(DISTINCT e.apartment_id),
                   count(*) FILTER (WHERE e.amount_tiyin <> round(a.area_m2 * %s))
              FROM billing_ledgerentry e JOIN buildings_apartment a ON a.id = e.apartment_id
             WHERE e.kind = 'charge' AND e.period = %s
            """,
            [TARIFF, period],
        )
        total, distinct, wrong = cur.fetchone()
        cur.execute(
            """
            SELECT count(*) FROM (
                SELECT transaction_id FROM billing_ledgerentry
                 GROUP BY transaction_id HAVING sum(amount_tiyin) <> 0) unbalanced
            """
        )
        (unbalanced,) = cur.fetchone()
    assert (total, distinct, wrong, unbalanced) == (apartments, apartments, 0, 0)
    check = subprocess.run(
        [sys.executable, "manage.py", "ledger_check", "--json"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    report = json.loads(check.stdout)
    assert (report["unbalanced"], report["balance_mismatches"]) == (0, 0)


def _first_charge(process: subprocess.Popen[str], period: dt.date) -> float:
    """Wait until the run has committed its first charges of the month; the moment."""
    deadline = time.monotonic() + 120
    while _charges(period) == 0:
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return time.monotonic()


def test_accrue_killed_at_random_moments_ten_times_loses_and_doubles_nothing(
    world: dict[str, Any],
) -> None:
    """Each kill lands at a random moment of the charging itself: after the run's first
    commit (the process is up and charging), up to the length an uninterrupted run's
    charging took; some land between two batches, some inside one, some after the end."""
    rng = random.Random(SEED)
    env = _env()
    full = _accrue("2031-01", env)
    first = _first_charge(full, dt.date(2031, 1, 1))
    while _charges(dt.date(2031, 1, 1)) < world["apartments"] and full.poll() is None:
        time.sleep(0.01)
    charging = time.monotonic() - first  # from the first commit of charges to the last
    _out, err = full.communicate(timeout=300)
    assert full.returncode == 0, err
    _assert_exact(dt.date(2031, 1, 1), world["apartments"])
    mid_month = 0
    for n in range(KILLS):
        period = dt.date(2031, 2 + n, 1)
        process = _accrue(f"{period:%Y-%m}", env)
        _first_charge(process, period)
        time.sleep(rng.uniform(0, charging))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        charged = _charges(period)
        mid_month += charged < world["apartments"]
        rerun = _accrue(f"{period:%Y-%m}", env)
        out, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, err
        summary = json.loads(out)
        assert summary["charged"] == world["apartments"] - charged
        assert summary["already_charged"] == charged
        _assert_exact(period, world["apartments"])
    print(
        json.dumps(
            {
                "benchmark": "accrual_kills",
                "kills": KILLS,
                "mid_month": mid_month,
                "survived": KILLS,
                "charging_s": round(charging, 2),
            }
        )
    )
    assert mid_month >= KILLS // 2, "too few kills landed mid-month to prove anything"


def _worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen[bytes]:
    return celery_worker(env, log, queue=queue, hostname=f"{queue}-{uuid.uuid4().hex[:6]}")


@pytest.mark.redis
def test_a_celery_worker_killed_mid_month_loses_and_doubles_nothing(
    world: dict[str, Any], tmp_path: Path
) -> None:
    """The command fans the lots out, one task per lot; the worker is SIGKILLed once some
    lots are charged and others not. Its task was acknowledged late, so nothing is lost
    with the worker: a fresh worker and ``accrue`` sent again finish the month."""
    queue = "celery"  # the default queue, where `accrue` sends; this worker's Redis database
    env = _env(REDIS_URL=django_settings.REDIS_URL, CELERY_BROKER_URL=django_settings.REDIS_URL)
    log = tmp_path / "worker.log"
    period = dt.date(2031, 12, 1)
    worker = _worker(env, queue, log)
    sender = _accrue("2031-12", env, inline=False)
    try:
        deadline = time.monotonic() + 120
        while _charges(period) < FLATS * 2:  # two lots done, ten to go
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        charged = _charges(period)
        assert 0 < charged < world["apartments"], charged
        sender.kill()
        sender.communicate(timeout=30)
        worker = _worker(env, queue, log)
        rerun = _accrue("2031-12", env, inline=False)
        out, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, err + log.read_text()[-3000:]
        summary = json.loads(out)
        assert summary["charged"] + summary["already_charged"] == world["apartments"]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    _assert_exact(period, world["apartments"])
    print(json.dumps({"benchmark": "worker_kill", "charged_at_kill": charged}))
