"""With REDIS_URL set, the cache and the broker are Redis (production's layout)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def test_the_cache_is_redis_and_shared() -> None:
    assert str(settings.CACHES["default"]["BACKEND"]).endswith("RedisCache")
    import redis

    cache.set("mu-test-key", "qiymat", timeout=30)
    raw = redis.Redis.from_url(settings.REDIS_URL)
    assert any(b"mu-test-key" in key for key in raw.scan_iter("*mu-test-key*"))
    assert cache.get("mu-test-key") == "qiymat"


def test_healthz_sees_redis_as_cache_and_broker(client: Client) -> None:
    checks = client.get("/healthz").json()["checks"]
    assert checks["cache"] == {"ok": True, "backend": "RedisCache"}
    assert checks["broker"] == {"ok": True, "transport": "redis"}


def test_login_rate_limit_counts_live_in_redis(client: Client, owner) -> None:
    statuses = [
        client.post("/accounts/login/", {"login": owner.email, "password": f"x{i}"}).status_code
        for i in range(12)
    ]
    assert 429 in statuses
    import redis

    raw = redis.Redis.from_url(settings.REDIS_URL)
    assert any(
        b"rl:" in key or b"ratelimit" in key or b"allauth" in key for key in raw.scan_iter("mu:*")
    )
