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


def test_a_signed_in_request_reads_its_session_from_redis_and_survives_a_flush(
    client: Client, owner
) -> None:
    """cached_db: the session comes from Redis (no session query); a flushed Redis logs no
    one out, since the database keeps every session."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    client.force_login(owner)
    client.get("/")  # warms the session and the roles
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert not any("django_session" in q["sql"] for q in ctx.captured_queries)
    cache.clear()
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["user"].pk == owner.pk


def test_the_cache_reuses_one_redis_client_per_pool() -> None:
    """core.cache: Django's backend built a client per call; ours keeps one per pool."""
    assert settings.CACHES["default"]["BACKEND"] == "core.cache.RedisCache"
    backend = cache._cache  # type: ignore[attr-defined]  # this thread's client
    first = backend.get_client("a")
    assert backend.get_client("b", write=True) is first
    cache.set_many({"mu-reuse-1": 1, "mu-reuse-2": "ikki"}, 30)
    assert cache.get_many(["mu-reuse-1", "mu-reuse-2"]) == {"mu-reuse-1": 1, "mu-reuse-2": "ikki"}
    assert backend.get_client() is first
