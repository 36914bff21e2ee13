#!/usr/bin/env python
"""Benchmarks: `bench/run.py NAME [--scale S] [--seed N] [--owners N] [--calls N]` prints one
JSON line.

Works on the database DATABASE_URL names (SQLite under var/ by default), migrating it if
needed. Progress goes to stderr; stdout carries only the JSON line(s).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mening_uyim.settings")

from bench.accrual import bench_accrual as _bench_accrual  # noqa: E402
from bench.accrual import billing_wipe  # noqa: E402
from bench.ballots import CADASTRAL_PREFIX, ballots_detach  # noqa: E402
from bench.ballots import bench_ballots as _bench_ballots  # noqa: E402
from bench.pages import bench_pages as _bench_pages  # noqa: E402
from bench.payme import bench_payme as _bench_payme  # noqa: E402
from bench.triage import bench_triage as _bench_triage  # noqa: E402

OWNERS = 7000  # `ballots` alone: a lot of the minimum size
OWNERS_SMALL = 300  # within `all` below scale 1 (keeps `make bench` short)
CALLS = 30_000  # `payme` alone: Check, Create and Perform calls
CALLS_SMALL = 3_000  # within `all` below scale 1


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def bench_home(scale: float, seed: int) -> dict[str, Any]:
    """Render the home page for every persona; report time and SQL queries per request."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mening_uyim.demo import personas_ensure

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")
    cast = personas_ensure(password=settings.DEMO_PASSWORD)
    rounds = max(5, int(200 * scale))
    users = [u for k, u in cast.users.items() if k != "admin"]
    client = Client()
    requests = 0
    queries = 0
    started = time.perf_counter()
    for user in users:
        client.force_login(user)
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get("/")
            assert response.status_code == 200
            queries += len(ctx.captured_queries)
            requests += 1
    seconds = time.perf_counter() - started
    return {
        "requests": requests,
        "seconds": round(seconds, 3),
        "ms_per_request": round(1000 * seconds / requests, 2),
        "queries_per_request": round(queries / requests, 2),
    }


STATE = ROOT / "var" / "bench-state.json"


def _state_key() -> str:
    from django.db import connection

    return f"{connection.vendor}:{connection.settings_dict.get('NAME')}"


def _generate(scale: float, seed: int) -> tuple[Any, float]:
    """Regenerate the registry; the ballots benchmark's lots let go of their buildings and
    the billing tables are emptied in the same transaction (bench/ballots.py
    ``ballots_detach``, bench/accrual.py ``billing_wipe``: the apartments they refer to go)."""
    from django.db import transaction

    from buildings.generator import generate

    with transaction.atomic():
        ballots_detach()
        billing_wipe()
        return generate(scale=scale, seed=seed, replace=True, progress=log)


def ensure_national(scale: float, seed: int) -> dict[str, Any]:
    """Reuse the registry if it was generated at this scale and seed, else generate it."""
    from buildings.models import Building

    state = json.loads(STATE.read_text()) if STATE.exists() else {}
    mine = state.get(_state_key())
    # the benchmarks' own buildings and the demo's (the pages benchmark loads it on top)
    generated = Building.objects.exclude(cadastral_number__startswith=CADASTRAL_PREFIX).exclude(
        cadastral_number__startswith="DEMO:"
    )
    if (
        mine
        and mine["scale"] == scale
        and mine["seed"] == seed
        and generated.count() == mine["buildings"]
    ):
        log(f"reusing the registry generated at scale {scale}, seed {seed}")
        return dict(mine)
    counts, seconds = _generate(scale, seed)
    mine = {
        "scale": scale,
        "seed": seed,
        "buildings": counts.buildings,
        "apartments": counts.apartments,
        "seconds": round(seconds, 2),
    }
    state[_state_key()] = mine
    STATE.parent.mkdir(parents=True, exist_ok=True)
    STATE.write_text(json.dumps(state))
    return dict(mine)


def bench_generate(scale: float, seed: int) -> dict[str, Any]:
    """Load the national registry from scratch (always regenerates)."""
    counts, seconds = _generate(scale, seed)
    state = json.loads(STATE.read_text()) if STATE.exists() else {}
    state[_state_key()] = {
        "scale": scale,
        "seed": seed,
        "buildings": counts.buildings,
        "apartments": counts.apartments,
        "seconds": round(seconds, 2),
    }
    STATE.parent.mkdir(parents=True, exist_ok=True)
    STATE.write_text(json.dumps(state))
    return {
        "buildings": counts.buildings,
        "apartments": counts.apartments,
        "seconds": round(seconds, 2),
    }


def bench_classify(scale: float, seed: int) -> dict[str, Any]:
    """Reclassify every building; the floor rewrites the same rows with a constant."""
    from django.db import connection, transaction

    from buildings.classification import reclassify_all

    ensure_national(scale, seed)
    started = time.perf_counter()
    counts = reclassify_all()
    seconds = time.perf_counter() - started
    with transaction.atomic(), connection.cursor() as cur:
        started = time.perf_counter()
        cur.execute("UPDATE buildings_building SET classification = classification")
        floor = time.perf_counter() - started
    return {
        "buildings": sum(counts.values()),
        "classes": counts,
        "seconds": round(seconds, 3),
        "floor_seconds": round(floor, 3),
        "ratio": round(seconds / floor, 2) if floor else None,
    }


def bench_lots(scale: float, seed: int) -> dict[str, Any]:
    """Form lots nationally; compare with the naive baseline measured in the same run."""
    from lots.forming import lots_form

    ensure_national(scale, seed)
    report = lots_form(with_baseline=True).as_dict(with_baseline=True)
    base = report["baseline_mean_distance_km"]
    report["distance_ratio"] = round(report["mean_distance_km"] / base, 3) if base else None
    return report


def bench_ballots(scale: float, seed: int, owners: int = OWNERS) -> dict[str, Any]:
    """Every owner of a lot votes through gunicorn over HTTP; then the tally, timed."""
    return _bench_ballots(owners, seed, log)


def bench_payme(scale: float, seed: int, calls: int = CALLS) -> dict[str, Any]:
    """Payme's Merchant API through gunicorn over HTTP: Check, Create, Perform."""
    return _bench_payme(calls, seed, log)


def bench_accrual(scale: float, seed: int) -> dict[str, Any]:
    """The month's accrual of every apartment of the national registry, against the floor
    of one INSERT … SELECT of the same rows (bench/accrual.py)."""
    national = ensure_national(scale, seed)
    return {"registry_apartments": national["apartments"], **_bench_accrual(scale, log)}


def bench_triage(scale: float, seed: int) -> dict[str, Any]:
    """The ticket triage model on the held-out tickets, trained on the training file only
    (bench/triage.py); the data is fixed, so the scale and seed do not change it."""
    return _bench_triage(log)


def bench_pages(scale: float, seed: int) -> dict[str, Any]:
    """The pages owners, MCs, councils and the public open most, through gunicorn and wrk,
    against a bare view in the same run (bench/pages.py)."""
    return _bench_pages(scale, seed, log)


BENCHMARKS: dict[str, Callable[..., dict[str, Any]]] = {
    "lots": bench_lots,
    "generate": bench_generate,
    "classify": bench_classify,
    "home": bench_home,
    "ballots": bench_ballots,
    "payme": bench_payme,
    "accrual": bench_accrual,
    "triage": bench_triage,
    "pages": bench_pages,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", choices=[*BENCHMARKS, "all"])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--owners",
        type=int,
        default=None,
        help=f"owners (apartments) of the ballots lot: {OWNERS} by default, "
        f"{OWNERS_SMALL} within `all` below scale 1",
    )
    parser.add_argument(
        "--calls",
        type=int,
        default=None,
        help=f"Payme calls of the payme benchmark (a third each of Check, Create, Perform): "
        f"{CALLS} by default, {CALLS_SMALL} within `all` below scale 1",
    )
    args = parser.parse_args()
    if args.calls is None:
        args.calls = CALLS_SMALL if args.name == "all" and args.scale < 1 else CALLS
    if args.calls < 3:
        parser.error("--calls must be at least 3")
    if args.owners is None:
        small = args.name == "all" and args.scale < 1
        args.owners = OWNERS_SMALL if small else OWNERS
    if args.owners < 1:
        parser.error("--owners must be at least 1")

    import django

    django.setup()
    from django.core.management import call_command

    log("migrating the database if needed")
    call_command("migrate", "--noinput", verbosity=0)
    names = list(BENCHMARKS) if args.name == "all" else [args.name]
    for name in names:
        log(f"running {name} at scale {args.scale}")
        result = {"benchmark": name, "scale": args.scale, "seed": args.seed}
        options: dict[str, Any] = {}
        if name == "ballots":
            options["owners"] = args.owners
        if name == "payme":
            options["calls"] = args.calls
        result.update(BENCHMARKS[name](args.scale, args.seed, **options))
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
