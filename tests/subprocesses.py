"""Real subprocesses of the project on the test database (a management command, a Celery
worker), for the tests that commit their world and kill or wait for another process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def test_database_env(**extra: str) -> dict[str, str]:
    """This process's environment, pointed at the test database (PostgreSQL), with the
    test settings; ``extra`` on top."""
    database = settings.DATABASES["default"]
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_", "DJANGO_"))
    }
    env.update(
        DJANGO_ENV="development",
        DJANGO_SETTINGS_MODULE="mening_uyim.settings_test",
        DATABASE_URL=(
            f"postgres://{database['USER']}:{database.get('PASSWORD') or ''}@{database['HOST']}"
            f":{database['PORT'] or 5432}/{database['NAME']}"
        ),
        **extra,
    )
    return env


def celery_worker(
    env: dict[str, str], log: Path, *, queue: str, hostname: str
) -> subprocess.Popen[bytes]:
    """A solo-pool Celery worker of the project consuming ``queue``, its output in ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mening_uyim",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--queues={queue}",
                f"--hostname={hostname}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
