"""Periodic system tasks."""

from __future__ import annotations

from celery import shared_task

from mening_uyim.services import heartbeat_record


@shared_task(name="mening_uyim.tasks.heartbeat")
def heartbeat() -> str:
    """A no-op on the beat schedule: it only records that it ran (see /healthz)."""
    beat = heartbeat_record(name="heartbeat")
    return beat.last_beat_at.isoformat()
