"""The Redis cache backend of the site (settings.CACHES when REDIS_URL is set).

Django's own backend builds a new ``redis.Redis`` client for every cache call: each
construction registers some 170 response callbacks, about 0.15 ms of Python, and a
signed-in page makes three to five calls (its session, the stamps, the cached figures). A
``redis.Redis`` is safe to share between threads (its connections come from the pool), so
this backend keeps one client per connection pool and reuses it. Everything else, the
pools, the serializer and the timeouts, is Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class ReusingRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
