"""Probes behind ``/healthz``: database, cache, broker and the beat heartbeat.

Only the database is fatal (503): without it nothing works. A down cache or broker makes
the status "degraded" (200) because pages still render; the orchestrator restarts the
worker, not the web process. Each probe returns ``{"ok": bool, ...}`` and never raises.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

Probe = dict[str, Any]


def probe_database() -> Probe:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def probe_cache() -> Probe:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    backend = str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]
    return {"ok": ok, "backend": backend}


def probe_broker() -> Probe:
    url: str = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
        try:
            folder.mkdir(parents=True, exist_ok=True)
            ok = os.access(folder, os.W_OK)
        except OSError as exc:
            return {"ok": False, "transport": "filesystem", "error": exc.__class__.__name__}
        return {"ok": ok, "transport": "filesystem"}
    if url.startswith(("redis://", "rediss://")):
        import redis

        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
            ok = bool(client.ping())
            client.close()
        except Exception as exc:
            return {"ok": False, "transport": "redis", "error": exc.__class__.__name__}
        return {"ok": ok, "transport": "redis"}
    return {"ok": False, "transport": url.split("://", 1)[0], "error": "unsupported"}


def probe_beat() -> Probe:
    """Age of the last heartbeat task; informative, never fatal."""
    from mening_uyim.models import Heartbeat

    try:
        beat = Heartbeat.objects.filter(name="heartbeat").first()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if beat is None:
        return {"ok": False, "last_beat_at": None, "age_seconds": None}
    age = (timezone.now() - beat.last_beat_at).total_seconds()
    interval = float(str(settings.CELERY_BEAT_SCHEDULE["heartbeat"]["schedule"]))
    return {
        "ok": age <= 3 * interval,
        "last_beat_at": beat.last_beat_at.isoformat(),
        "age_seconds": round(age, 1),
        "beats": beat.beats,
    }


def health_report() -> tuple[int, dict[str, Any]]:
    """The HTTP status and body of /healthz."""
    checks = {"database": probe_database()}
    if checks["database"]["ok"]:
        checks["beat"] = probe_beat()
    checks["cache"] = probe_cache()
    checks["broker"] = probe_broker()
    if not checks["database"]["ok"]:
        status, code = "down", 503
    elif all(checks[name]["ok"] for name in ("cache", "broker")):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return code, {"status": status, "checks": checks, "time": timezone.localtime().isoformat()}
