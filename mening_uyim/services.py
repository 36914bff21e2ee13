"""State changes of the system app."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mening_uyim.models import Heartbeat


@transaction.atomic
def heartbeat_record(*, name: str = "heartbeat") -> Heartbeat:
    """Record one beat. Safe to run concurrently: the counter is incremented in SQL."""
    now = timezone.now()
    beat, created = Heartbeat.objects.get_or_create(
        name=name, defaults={"last_beat_at": now, "beats": 1}
    )
    if not created:
        Heartbeat.objects.filter(pk=name).update(last_beat_at=now, beats=F("beats") + 1)
        beat.refresh_from_db()
    return beat
