"""Brute force on the providers' credentials (issue 13, point 6).

A wrong Payme key or a wrong Click signature is counted per client address (the address
allauth's adapter sees, so the login's limits and these agree behind a proxy). Past
``PAYMENT_AUTH_FAILED_RATE_LIMIT`` ("10/5m": ten failures in a window of five minutes
from the first) the endpoint answers the protocol's own refusal (-32504, -1) without
looking at the credentials, so guessing goes nowhere; the answer stays HTTP 200 as both
protocols require. The providers' servers send the right key and are never counted.

A counter in the cache, not allauth's limiter: allauth takes a lock per key and treats a
request that finds it taken as over the limit, which would refuse a provider's
concurrent legitimate calls (50 identical PerformTransaction at once must all pass).
``cache.incr`` is atomic on Redis and in the local-memory cache.
"""

from __future__ import annotations

import re

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


def limit() -> tuple[int, int]:
    """(failures, window in seconds) of PAYMENT_AUTH_FAILED_RATE_LIMIT."""
    found = _RATE.match(settings.PAYMENT_AUTH_FAILED_RATE_LIMIT.strip())
    if found is None:
        raise ValueError("PAYMENT_AUTH_FAILED_RATE_LIMIT must look like 10/5m")
    amount, count, unit = found.groups()
    return int(amount), int(count or 1) * _UNITS[unit]


def _key(request: HttpRequest) -> str:
    return f"payments:auth-failed:{get_adapter().get_client_ip(request)}"


def locked_out(request: HttpRequest) -> bool:
    return int(cache.get(_key(request), 0)) >= limit()[0]


def failed(request: HttpRequest) -> None:
    key = _key(request)
    cache.add(key, 0, timeout=limit()[1])
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit()[1])
