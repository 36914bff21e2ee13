"""Stamps: the validity of figures kept in the shared cache (Redis in production).

A cached figure is stored with the stamps it was computed under, and is used only while
the cache still holds those same stamps. Whoever changes the rows the figure comes from
renews its stamps (``stamps_renew``): at once, and again when the writing transaction
commits. The stamps are read before the rows, so a figure computed from rows a
transaction was about to change never outlives that transaction's commit. A stamp the
cache has lost is a new stamp, so an evicted stamp cannot make an old figure valid again.

An unreachable cache is not an error of the page: a figure is then read from its rows
(``stamps_read`` gives stamps no entry holds, ``cached_under`` stores nothing), and a
renewal that cannot reach the cache is logged. An entry written before such an outage
may then outlive a change made during it, until it expires: that is why every cached
figure has an expiry of minutes.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)
PREFIX = "stamp:"
T = TypeVar("T")


def _new() -> str:
    return secrets.token_hex(8)


def stamps_read(names: Iterable[str]) -> tuple[str, ...]:
    """The current stamps of ``names`` (in their order), one cache round trip when all
    are set."""
    keys = [PREFIX + name for name in names]
    try:
        found = cache.get_many(keys)
        stamps = []
        for key in keys:
            stamp = found.get(key)
            if not stamp:
                stamp = _new()
                if not cache.add(key, stamp, None):  # another request set one first
                    stamp = cache.get(key) or stamp
            stamps.append(stamp)
    except Exception:  # the cache is unreachable: stamps that no entry holds
        logger.warning("stamps: the cache is unreachable; reading from the rows", exc_info=True)
        return tuple(_new() for _ in keys)
    return tuple(stamps)


def stamps_renew(names: Iterable[str]) -> None:
    """Void every figure cached under these stamps: now, and once more on commit."""
    keys = sorted({PREFIX + name for name in names})
    if not keys:
        return

    def renew() -> None:
        try:
            cache.set_many({key: _new() for key in keys}, None)
        except Exception:  # an outage: the entries expire by themselves (module docstring)
            logger.error("stamps: could not renew %s", ", ".join(keys), exc_info=True)

    renew()
    transaction.on_commit(renew)


def cached_under(names: Iterable[str], key: str, build: Callable[[], T], seconds: int) -> T:
    """The figure ``key`` names, from the cache while the stamps of ``names`` hold; built
    and stored otherwise. ``seconds`` only bounds the memory of figures no one asks again:
    a change of their rows renews a stamp. ``key`` may be long (a query string): it is
    hashed."""
    stamps = stamps_read(names)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    entry = f"cached:{':'.join(stamps)}:{digest}"
    try:
        found = cache.get(entry)
    except Exception:  # unreachable (logged by stamps_read): from the rows
        return build()
    if found is None:
        found = build()
        try:
            cache.set(entry, found, seconds)
        except Exception:
            logger.warning("stamps: could not store %s", entry, exc_info=True)
    return found


def page_key(request: Any) -> str:
    """What a public page's cached part depends on in its request: the language and every
    query parameter, in a fixed order."""
    from django.utils.translation import get_language

    return f"{get_language()}?{urlencode(sorted(request.GET.lists()), doseq=True)}"
