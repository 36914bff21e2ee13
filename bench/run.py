#!/usr/bin/env python
"""Benchmarks: `bench/run.py NAME [--scale S] [--seed N]` prints one JSON line.

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


BENCHMARKS: dict[str, Callable[[float, int], dict[str, Any]]] = {"home": bench_home}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", choices=[*BENCHMARKS, "all"])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    log("migrating the database if needed")
    call_command("migrate", "--noinput", verbosity=0)
    names = list(BENCHMARKS) if args.name == "all" else [args.name]
    for name in names:
        log(f"running {name} at scale {args.scale}")
        result = {"benchmark": name, "scale": args.scale, "seed": args.seed}
        result.update(BENCHMARKS[name](args.scale, args.seed))
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
