"""The suspension job and the deadline warning are in the beat schedule that both `make
run` (embedded beat) and docker-compose's beat service use (django-celery-beat's
DatabaseScheduler, loaded from CELERY_BEAT_SCHEDULE), and an inspector sees them in the
console (issue 11, "Done when")."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.test import Client
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from mening_uyim.celery import app
from mening_uyim.demo import Cast

pytestmark = pytest.mark.django_db
ENTRIES = {
    "enforce-quarterly-reports": "billing.tasks.enforce_quarterly_reports",
    "warn-report-deadlines": "billing.tasks.warn_report_deadlines",
}


def test_the_jobs_are_scheduled_and_visible_in_the_console(client: Client, cast: Cast) -> None:
    for name, task in ENTRIES.items():
        assert settings.CELERY_BEAT_SCHEDULE[name]["task"] == task
    # what beat's DatabaseScheduler does when it starts: each entry of the schedule into
    # the table (its own setup also closes the database connection, which a test's
    # transaction cannot survive on PostgreSQL)
    # (beat runs with the project's app current; here another test of this process may have
    # made a different app current, so each schedule is bound to the project's app)
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = copy.copy(entry["schedule"])
        if isinstance(schedule, crontab):
            schedule.app = app
        ModelEntry.from_entry(name, app=app, **{**entry, "schedule": schedule})
    for name, task in ENTRIES.items():
        row = PeriodicTask.objects.get(name=name)
        assert (row.task, row.enabled) == (task, True)
        assert row.crontab is not None
        assert str(row.crontab.timezone) == "Asia/Tashkent"
    client.force_login(cast.users["inspector"])
    page = client.get("/admin/django_celery_beat/periodictask/").content.decode()
    for name in ENTRIES:
        assert name in page


def test_docker_compose_runs_beat_with_the_database_scheduler() -> None:
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    assert "django_celery_beat.schedulers:DatabaseScheduler" in compose
