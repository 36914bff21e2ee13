"""`bench/run.py payme --calls N`: Payme's Merchant API over real HTTP (issue 10, point 13).

Setup (idempotent, reused by the next run): APARTMENTS apartments in buildings whose
cadastral numbers start with ``BENCH:PAYME:`` (bench/run.py's generator leaves them out).
Then gunicorn (WORKERS sync workers, as docker-compose runs it; DEBUG off) serves the same
database, and CLIENTS threads each pay random apartments: CheckPerformTransaction,
CreateTransaction, PerformTransaction, one payment after another (a mix of a third each;
N/3 payments, N rounded down to a multiple of 3). Every answer must be HTTP 200 with a
``result``; the ledger must then hold exactly one payment transaction per payment of the
run, and ``ledger_check`` must find nothing unbalanced.

Prints ``{"calls", "seconds", "calls_per_s", "ledger_transactions"}``, the set-up, and the
CPU the run cost per call on the server's side (gunicorn's workers and their PostgreSQL
backends, from /proc) and on the clients' side, with the rate two dedicated server cores
would sustain at that cost: on a shared machine the wall-clock rate says as much about the
neighbours as about the code.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import random
import resource
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.ballots import _free_port, server_start, server_stop, server_wait

REGION_CODE = "UZ-SI"
CADASTRAL_PREFIX = "BENCH:PAYME:"
APARTMENTS = 1000
FLATS_PER_BUILDING = 100
CLIENTS = 16
WORKERS = 3  # docker-compose's web: 3 sync workers
AMOUNTS = (150_000, 455_500, 1_200_000, 3_000_000)  # tiyin: partial payments, overpayments
PATH = "/api/v1/payments/payme/"

Say = Callable[[str], None]


def setup(say: Say) -> list[str]:
    """The benchmark's apartments (their account numbers), built once."""
    from django.db import transaction

    from buildings.models import Apartment, Building, account_number_for
    from territory.models import District, Region

    existing = list(
        Apartment.objects.filter(building__cadastral_number__startswith=CADASTRAL_PREFIX)
        .order_by("pk")
        .values_list("account_number", flat=True)
    )
    if len(existing) >= APARTMENTS:
        return existing[:APARTMENTS]
    say(f"building {APARTMENTS} apartments for the Payme benchmark")
    region = Region.objects.get(code=REGION_CODE)
    district = District.objects.filter(region=region).order_by("name").first()
    assert district is not None
    with transaction.atomic():
        Building.objects.filter(cadastral_number__startswith=CADASTRAL_PREFIX).exclude(
            apartments__isnull=False
        ).delete()
        done = len(existing)
        for k in range(done // FLATS_PER_BUILDING, APARTMENTS // FLATS_PER_BUILDING):
            building = Building.objects.create(
                region=region,
                district=district,
                cadastral_number=f"{CADASTRAL_PREFIX}{k:04d}",
                address=f"To‘lov ko‘chasi, {k + 1}-uy",
                lat=district.lat or region.lat or 40.5,
                lon=district.lon or region.lon or 68.7,
                floors=9,
                entrances=2,
                has_elevator=True,
                total_area_m2=Decimal(6000),
                living_area_m2=Decimal(5000),
                apartments_count=FLATS_PER_BUILDING,
                cadastral_passport=True,
            )
            Apartment.objects.bulk_create(
                [
                    Apartment(
                        building=building,
                        number=str(j),
                        area_m2=Decimal(50),
                        account_number=account_number_for(building.pk, j),
                    )
                    for j in range(1, FLATS_PER_BUILDING + 1)
                ]
            )
    return setup(say)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc; 0 where unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _workers_cpu(master: int) -> float:
    """CPU of gunicorn's workers (the master's children) so far."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    return sum(_cpu_seconds(int(pid)) for pid in children)


def _database_backends() -> list[int]:
    """The PostgreSQL server processes of this database's connections but ours."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return [int(row[0]) for row in cursor.fetchall()]


def _auth() -> str:
    from django.conf import settings

    return "Basic " + base64.b64encode(f"Paycom:{settings.PAYME_KEY}".encode()).decode()


def pay_all(
    port: int, jobs: list[tuple[str, str, int]], clients: int, auth: str
) -> tuple[float, int, list[str]]:
    """Each job is one payment (Check, Create, Perform) of (Payme id, account, amount);
    ``clients`` threads share them. Returns the wall time, the calls made, the failures."""
    failures: list[str] = []
    calls = [0] * clients
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(index: int, mine: list[tuple[str, str, int]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start.wait()

        def call(method: str, params: dict[str, Any], request_id: int) -> None:
            body = json.dumps({"method": method, "params": params, "id": request_id})
            headers = {"Authorization": auth, "Content-Type": "application/json"}
            try:
                conn.request("POST", PATH, body=body, headers=headers)
                response = conn.getresponse()
                reply = response.read()
                calls[index] += 1
                if response.status != 200 or b'"result"' not in reply:
                    with lock:
                        failures.append(f"{method} {response.status}: {reply[:200]!r}")
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                with lock:
                    failures.append(f"{method} {exc.__class__.__name__}: {exc}")

        for n, (payme_id, account, amount) in enumerate(mine):
            account_param = {"account": account}
            call("CheckPerformTransaction", {"amount": amount, "account": account_param}, n)
            create = {
                "id": payme_id,
                "time": int(time.time() * 1000),
                "amount": amount,
                "account": account_param,
            }
            call("CreateTransaction", create, n)
            call("PerformTransaction", {"id": payme_id}, n)
        conn.close()

    threads = [
        threading.Thread(target=client, args=(t, jobs[t::clients]), daemon=True)
        for t in range(clients)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, sum(calls), failures


def bench_payme(calls: int, seed: int, say: Say) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection

    from billing.ledger import ledger_check
    from billing.models import LedgerTransaction, ProviderTransaction

    if settings.PRODUCTION:  # bench data never enters production
        raise RuntimeError("the payme benchmark never runs with DJANGO_ENV=production")
    accounts = setup(say)
    rng = random.Random(seed)
    run = f"{int(time.time() * 1000):012x}{os.getpid() % 0xFFFF:04x}"
    payments = calls // 3
    jobs = [(f"{run}{i:08x}", rng.choice(accounts), rng.choice(AMOUNTS)) for i in range(payments)]
    before = LedgerTransaction.objects.filter(kind="payment").count()
    port = _free_port()
    proc = server_start(port, say, workers=WORKERS)
    try:
        server_wait(proc, port)
        say(f"{payments} payments ({payments * 3} calls) from {CLIENTS} clients")
        workers_before = _workers_cpu(proc.pid)
        backends_before = {pid: _cpu_seconds(pid) for pid in _database_backends()}
        clients_before = resource.getrusage(resource.RUSAGE_SELF)
        seconds, made, failures = pay_all(port, jobs, CLIENTS, _auth())
        clients_after = resource.getrusage(resource.RUSAGE_SELF)
        workers_cpu = _workers_cpu(proc.pid) - workers_before
        database_cpu = sum(
            _cpu_seconds(pid) - backends_before.get(pid, 0.0) for pid in _database_backends()
        )
    finally:
        server_stop(proc)
    clients_cpu = (clients_after.ru_utime + clients_after.ru_stime) - (
        clients_before.ru_utime + clients_before.ru_stime
    )
    if failures:
        raise RuntimeError(f"{len(failures)} calls failed, e.g. {failures[:3]}")
    ledger_transactions = LedgerTransaction.objects.filter(kind="payment").count() - before
    performed = ProviderTransaction.objects.filter(
        provider="payme", provider_id__startswith=run, state=2
    ).count()
    if ledger_transactions != payments or performed != payments:
        raise RuntimeError(
            f"{payments} payments, {performed} performed, {ledger_transactions} in the ledger"
        )
    audit = ledger_check()
    if audit["unbalanced"] or audit["balance_mismatches"]:
        raise RuntimeError(f"ledger_check: {audit}")
    server_cpu = workers_cpu + database_cpu
    return {
        "calls": made,
        "seconds": round(seconds, 3),
        "calls_per_s": round(made / seconds, 1),
        "ledger_transactions": ledger_transactions,
        # CPU actually spent, to read the figure on a shared machine: the server's side
        # (gunicorn's workers and their PostgreSQL backends) and the clients' (this process)
        "server_cpu_ms_per_call": round(1000 * server_cpu / made, 3),
        "database_cpu_ms_per_call": round(1000 * database_cpu / made, 3),
        "clients_cpu_ms_per_call": round(1000 * clients_cpu / made, 3),
        # what two dedicated cores would serve at that cost (the clients elsewhere)
        "calls_per_s_per_2_server_cores": round(2 * made / server_cpu, 1) if server_cpu else None,
        "database": connection.vendor,
        "clients": CLIENTS,
        "workers": WORKERS,
    }
