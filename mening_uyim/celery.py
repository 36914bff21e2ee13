"""The Celery application. Tasks are discovered in every installed app's ``tasks.py``."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mening_uyim.settings")

app = Celery("mening_uyim")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def connections_as_per_request(task: Any = None, **_kwargs: Any) -> None:
    """A task treats the database connections as Django treats them around a request:
    one past CONN_MAX_AGE, broken, or left inside a transaction is closed (the next query
    opens a new one); a sound one is kept for the next task (settings.CELERY_DB_REUSE_MAX
    keeps Celery's fix-up from closing it after every task). Not for a task run eagerly,
    inside its caller's process and transaction (as the fix-up skips those too)."""
    from django.db import close_old_connections

    if task is not None and getattr(task.request, "is_eager", False):
        return

    close_old_connections()
