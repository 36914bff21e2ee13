"""Celery: configuration, the heartbeat task, and beat firing in the embedded mode of `make run`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mening_uyim.celery import app
from mening_uyim.models import Heartbeat
from mening_uyim.tasks import heartbeat

ROOT = Path(__file__).resolve().parents[2]


def test_tasks_are_acknowledged_late_and_requeued_on_worker_loss() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.timezone == "Asia/Tashkent"


def test_heartbeat_is_on_the_beat_schedule_and_discovered() -> None:
    app.loader.import_default_modules()
    assert app.conf.beat_schedule["heartbeat"]["task"] == "mening_uyim.tasks.heartbeat"
    assert "mening_uyim.tasks.heartbeat" in app.tasks


@pytest.mark.django_db
def test_heartbeat_counts_each_beat() -> None:
    heartbeat.apply().get()
    heartbeat.apply().get()
    beat = Heartbeat.objects.get(name="heartbeat")
    assert beat.beats == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_its_database_connection_from_task_to_task() -> None:
    """Celery's Django fix-up closes the connection around every task unless
    CELERY_DB_REUSE_MAX is set: each task of a month's accrual then paid for a new
    PostgreSQL backend. The connection is kept from task to task, and closed once it is
    past CONN_MAX_AGE (as Django does around a request)."""
    from celery.fixups.django import DjangoWorkerFixup
    from django.conf import settings
    from django.db import connection

    from mening_uyim.celery import connections_as_per_request

    fixup = DjangoWorkerFixup(app)
    assert fixup.db_reuse_max == settings.CELERY_DB_REUSE_MAX

    def one_task() -> None:
        fixup.on_task_prerun(sender=heartbeat)
        connections_as_per_request(task=heartbeat)
        heartbeat.run()
        fixup.on_task_postrun(sender=heartbeat)
        connections_as_per_request(task=heartbeat)

    connection.ensure_connection()
    connection.close_at = time.monotonic() + 60
    raw = connection.connection
    for _ in range(3):
        one_task()
    assert connection.connection is raw
    connection.close_at = time.monotonic() - 1  # past CONN_MAX_AGE
    one_task()
    assert connection.connection is not raw
    assert Heartbeat.objects.get(name="heartbeat").beats == 4


def _embedded_env(var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "DJANGO_"))
    }
    env.update(
        DJANGO_ENV="development",
        DJANGO_SETTINGS_MODULE="mening_uyim.settings",
        MENING_UYIM_VAR_DIR=str(var_dir),
        HEARTBEAT_SECONDS="1",
    )
    return env


def test_beat_fires_the_heartbeat_in_embedded_mode(tmp_path: Path) -> None:
    """The real thing: a worker with beat in-process on the filesystem broker and SQLite."""
    env = _embedded_env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    log = (tmp_path / "celery.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mening_uyim",
            "worker",
            "--beat",
            "--pool=solo",
            "--loglevel=INFO",
            f"--schedule={tmp_path / 'beat-schedule'}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    beats = 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and beats < 2:
            time.sleep(1)
            with sqlite3.connect(tmp_path / "db.sqlite3", timeout=10) as db:
                row = db.execute(
                    "SELECT beats FROM mening_uyim_heartbeat WHERE name = 'heartbeat'"
                ).fetchone()
            beats = row[0] if row else 0
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    assert beats >= 2, (tmp_path / "celery.log").read_text()[-3000:]
