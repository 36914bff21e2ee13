"""Test overrides: fast hasher, in-memory email, eager nothing. Kept deliberately small."""

from __future__ import annotations

import os
import re

# Under pytest-xdist (`make test` runs a worker per core) each worker gets its own Redis
# database, as pytest-django gives each its own test database: the suite clears the cache
# between tests, and a FLUSHDB from one worker must not wipe another's rate-limit counters
# or broker queues. Set before the settings read REDIS_URL, and inherited by the workers'
# subprocesses (the Celery worker tests).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = re.sub(
        r"(/\d+)?$", f"/{1 + int(_worker[2:])}", os.environ["REDIS_URL"].rstrip("/"), count=1
    )

from mening_uyim.settings import *  # noqa: E402, F403
from mening_uyim.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # An in-memory test database; the file under var/ is left to `make run`.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
