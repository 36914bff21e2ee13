"""A throwaway demo site on loopback, for the tools that look at the whole system from
outside: the schema fuzzing (bin/fuzz-api) and the browser's page matrix and screenshots
(tests/e2e/test_pages_seen.py, `make screenshots`).

A fresh database (a SQLite file in the work directory, or a PostgreSQL database dropped
and created again) is migrated and loaded with `make run`'s demo, so that the personas'
ids lead somewhere; each persona gets a logged-in session; the server is gunicorn as
production runs it (Django's own server answers some malformed requests by dropping the
connection), in development mode (static files through WhiteNoise's finders), without
DEBUG (the 404 and 500 pages users get). Not imported by the site itself.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess  # nosec B404 # our own manage.py and gunicorn, fixed arguments
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

SESSIONS = """
import json
from django.test import Client
from accounts.models import User
out = {}
for role, email in %r.items():
    if email:
        client = Client()
        client.force_login(User.objects.get(email=email))
        out[role] = client.cookies["sessionid"].value
print(json.dumps(out))
"""


class DemoSiteError(RuntimeError):
    """The demo site could not be built or did not answer."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh_database(url: str) -> None:
    """Drop and create the PostgreSQL database ``url`` names (a SQLite file starts empty)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    name = parts.path.lstrip("/")
    pg = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    pg += ["-U", parts.username or "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", "--force", name], check=True)  # nosec B603 B607
    subprocess.run(["createdb", *pg, name], check=True)  # nosec B603 B607


def site_env(work: Path, database_url: str) -> dict[str, str]:
    """This process's environment for the demo site in ``work`` (no Redis: the site runs
    its tasks in-process, and a shared Redis would mix two sites' caches)."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="mening_uyim.settings",
        DJANGO_ENV="development",
        DJANGO_DEBUG="0",
        MENING_UYIM_VAR_DIR=str(work / "var"),
        DJANGO_MEDIA_ROOT=str(work / "media"),
    )
    return env


def manage(env: Mapping[str, str], *args: str) -> str:
    done = subprocess.run(  # nosec B603 # our manage.py with fixed arguments
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _wait(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(240):
        if server.poll() is not None:
            raise DemoSiteError(f"the server exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # nosec B310 # loopback, our own
                return
        except OSError:
            time.sleep(0.25)
    raise DemoSiteError("the server did not answer in 60 s")


@dataclass
class DemoSite:
    base: str
    env: dict[str, str]
    log: Path
    sessions: dict[str, str] = field(default_factory=dict)


def seed(work: Path, database_url: str = "") -> dict[str, str]:
    """A migrated database with the demo in it; its environment."""
    work.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{work / 'demo.sqlite3'}"
    env = site_env(work, url)
    fresh_database(url)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo")
    return env


@contextmanager
def serving(
    work: Path,
    env: dict[str, str],
    *,
    logins: Mapping[str, str | None],
    workers: int = 1,
) -> Iterator[DemoSite]:
    """gunicorn on a free loopback port over the seeded database, with a session per
    login of ``logins`` (role → email; None for anonymous, which gets none)."""
    sessions = json.loads(manage(env, "shell", "-v", "0", "-c", SESSIONS % dict(logins)))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # nosec B603 # gunicorn of our project, fixed arguments
            [
                *(GUNICORN, "mening_uyim.wsgi", "--bind", f"127.0.0.1:{port}"),
                *("--workers", str(workers), "--timeout", "120", "--error-logfile", "-"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait(f"{base}/healthz", server, log)
        yield DemoSite(base, env, log, sessions)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> int:  # pragma: no cover - a manual check: python -m mening_uyim.demo_server
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="demo-site-"))
    env = seed(work)
    with serving(work, env, logins={"owner": "owner@demo.uz"}) as site:
        print(site.base, site.sessions, flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
