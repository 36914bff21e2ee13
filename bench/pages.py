"""`bench/run.py pages --scale S`: the pages people open most, through real HTTP (issue 16).

Setup (idempotent): the national registry at the scale (bench/run.py ``ensure_national``)
and `make run`'s demo on top of it (``seed_demo``: the personas, their lots, bills,
votes and tickets), on the database DATABASE_URL names.

Then gunicorn (WORKERS sync workers, bench/ballots.py server_start; DEBUG off; the Redis cache
where REDIS_URL is set) serves the site plus one bare view (``/bench/bare/``: "ok", through
the same middleware; bench/pages_urls.py). ``wrk`` (Debian package ``wrk``) drives each
page for SECONDS with CLIENTS connections, logged in as the persona the page is for (a
session cookie made in this process), after a warm-up; the bare view is measured in the
same run, first and last (the mean is the floor).

Prints ``{"pages": {path: {"rps", "ratio", "p95_ms", "queries", "persona"}}, "bare_rps"}``:
``ratio`` is the page's requests per second over the bare view's, ``queries`` the SQL
queries of one request of the page (Django's test client in this process, same data).
Targets (issue 16, scale 1 on PostgreSQL): owner pages at least 0.15, public lists at
least 0.10, p95 under 100 ms.
"""

from __future__ import annotations

import http.client
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.ballots import _free_port, _server_env, server_start, server_stop, server_wait

Say = Callable[[str], None]
WORKERS = 2
CLIENTS = int(os.environ.get("BENCH_PAGES_CLIENTS", "8"))
SECONDS = int(os.environ.get("BENCH_PAGES_SECONDS", "10"))
WARMUP_SECONDS = 2
BARE = "/bench/bare/"
OWNER_PAGES = "owner"
PUBLIC_LISTS = "public"

# wrk prints the 95th percentile of the latency (µs) in its own line
P95_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\\n", latency:percentile(95)))
  io.write(string.format("ERRORS %d\\n", summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class Page:
    path: str
    persona: str | None  # None: anonymous
    kind: str  # OWNER_PAGES, PUBLIC_LISTS or "work"


def pages(setup: dict[str, Any]) -> list[Page]:
    return [
        Page("/", "owner", OWNER_PAGES),
        Page("/registry/my-apartments/", "owner", OWNER_PAGES),
        Page("/billing/", "owner", OWNER_PAGES),
        Page(f"/billing/apartments/{setup['apartment']}/", "owner", OWNER_PAGES),
        Page("/voting/", "owner", OWNER_PAGES),
        Page(setup["ballot"], "owner", OWNER_PAGES),
        Page("/dispatch/", "owner", OWNER_PAGES),
        Page("/dispatch/", "mc_dispatcher", "work"),
        Page("/registry/buildings/", None, PUBLIC_LISTS),
        Page("/api/v1/buildings/", None, PUBLIC_LISTS),
        Page("/lots/council/", "council", "work"),
        Page("/organizations/", None, PUBLIC_LISTS),
    ]


def setup(scale: float, seed: int, say: Say) -> dict[str, Any]:
    """The registry at the scale, the demo on it; the owner's apartment and open meeting."""
    from django.core.management import call_command

    from bench.run import ensure_national
    from mening_uyim.demo import owner_examples, personas_ensure

    national = ensure_national(scale, seed)
    say("loading the demo on the registry (seed_demo; idempotent)")
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    from django.db import connection

    if connection.vendor == "postgresql":
        # fresh statistics for what the demo wrote: autovacuum is off on this machine, and
        # a plan made on none can be a hundred times slower than production's
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from django.conf import settings

    cast = personas_ensure(password=settings.DEMO_PASSWORD)
    apartment, meeting = owner_examples(cast.users["owner"])
    if apartment is None or meeting is None:
        raise RuntimeError("the demo gave the owner no apartment or no open meeting")
    return {
        "apartments": national["apartments"],
        "apartment": apartment,
        "ballot": f"/voting/meetings/{meeting}/",
        "users": {key: user.pk for key, user in cast.users.items()},
    }


def _cookies(users: dict[str, int]) -> dict[str, str]:
    """A session per persona, made as Django's test client makes one (the same session
    store as the server's)."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    cookies = {}
    for key in ("owner", "mc_dispatcher", "council"):
        client = Client()
        client.force_login(User.objects.get(pk=users[key]))
        name = settings.SESSION_COOKIE_NAME
        cookies[key] = f"{name}={client.cookies[name].value}"
    return cookies


def _queries(page: Page, users: dict[str, int]) -> int:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")
    client = Client()
    if page.persona:
        client.force_login(User.objects.get(pk=users[page.persona]))
    client.get(page.path)  # warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page.path)
    if response.status_code != 200:
        raise RuntimeError(f"{page.path} as {page.persona}: {response.status_code}")
    return len(ctx.captured_queries)


def _check(port: int, page: Page, cookie: str | None) -> None:
    """The page answers 200 to this cookie (wrk counts a redirect to the login as a
    success)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", page.path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{page.path} as {page.persona or 'anonymous'}: {response.status}")


def _wrk(url: str, cookie: str | None, seconds: int, script: str) -> dict[str, float]:
    command = ["wrk", "-t", "2", "-c", str(CLIENTS), "-d", f"{seconds}s", "-s", script]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(  # nosec B603 # a fixed command, our own URL
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p95 = re.search(r"P95_US (\d+)", out)
    errors = re.search(r"ERRORS (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if rps is None or p95 is None:
        raise RuntimeError(f"wrk said: {out}")
    if non2xx or (errors and int(errors.group(1))):
        raise RuntimeError(f"{url}: errors under load: {out}")
    return {"rps": float(rps.group(1)), "p95_ms": int(p95.group(1)) / 1000}


def bench_pages(scale: float, seed: int, say: Say) -> dict[str, Any]:
    from django.conf import settings

    if settings.PRODUCTION:
        raise RuntimeError("the pages benchmark never runs with DJANGO_ENV=production")
    if shutil.which("wrk") is None:
        raise RuntimeError("the pages benchmark needs wrk: apt-get install -y wrk")
    state = setup(scale, seed, say)
    listed = pages(state)
    queries = {(p.path, p.persona): _queries(p, state["users"]) for p in listed}
    cookies = _cookies(state["users"])
    port = _free_port()
    env = _server_env() | {"DJANGO_SETTINGS_MODULE": "bench.pages_settings"}
    server = server_start(port, say, workers=WORKERS, env=env)
    results: dict[str, Any] = {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(P95_SCRIPT)
    try:
        server_wait(server, port)
        base = f"http://127.0.0.1:{port}"
        _wrk(base + BARE, None, WARMUP_SECONDS, script.name)
        say(f"the bare view, {SECONDS} s")
        bare_first = _wrk(base + BARE, None, SECONDS, script.name)
        for page in listed:
            cookie = cookies.get(page.persona or "")
            _check(port, page, cookie)
            _wrk(base + page.path, cookie, WARMUP_SECONDS, script.name)
            say(f"{page.path} as {page.persona or 'anonymous'}, {SECONDS} s")
            results[f"{page.path} ({page.persona or 'anonymous'})"] = {
                **_wrk(base + page.path, cookie, SECONDS, script.name),
                "queries": queries[(page.path, page.persona)],
                "persona": page.persona or "anonymous",
                "kind": page.kind,
            }
        bare_last = _wrk(base + BARE, None, SECONDS, script.name)
    finally:
        server_stop(server)
        os.unlink(script.name)
    bare = (bare_first["rps"] + bare_last["rps"]) / 2
    for figures in results.values():
        figures["ratio"] = round(figures["rps"] / bare, 3)
    return {
        "apartments": state["apartments"],
        "bare_rps": round(bare, 1),
        "bare_rps_first_last": [bare_first["rps"], bare_last["rps"]],
        "bare_p95_ms": bare_first["p95_ms"],
        "clients": CLIENTS,
        "seconds": SECONDS,
        "workers": WORKERS,
        "pages": results,
    }
