"""Stamps: the validity of figures kept in the shared cache (Redis in production).

A cached figure is stored with the stamps it was computed under, and is used only while
the cache still holds those same stamps. Whoever changes the rows the figure comes from
renews its stamps (``stamps_renew``): at once, and again when the writing transaction
commits. The stamps are read before the rows, so a figure computed from rows a
transaction was about to change never outlives that transaction's commit. A stamp the
cache has lost is a new stamp, so an evicted stamp cannot make an old figure valid again.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

PREFIX = "stamp:"
T = TypeVar("T")


def _new() -> str:
    return secrets.token_hex(8)


def stamps_read(names: Iterable[str]) -> tuple[str, ...]:
    """The current stamps of ``names`` (in their order), one cache round trip when all
    are set."""
    keys = [PREFIX + name for name in names]
    found = cache.get_many(keys)
    stamps = []
    for key in keys:
        stamp = found.get(key)
        if not stamp:
            stamp = _new()
            if not cache.add(key, stamp, None):  # another request set one first
                stamp = cache.get(key) or stamp
        stamps.append(stamp)
    return tuple(stamps)


def stamps_renew(names: Iterable[str]) -> None:
    """Void every figure cached under these stamps: now, and once more on commit."""
    keys = sorted({PREFIX + name for name in names})
    if not keys:
        return

    def renew() -> None:
        cache.set_many({key: _new() for key in keys}, None)

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
    found = cache.get(entry)
    if found is None:
        found = build()
        cache.set(entry, found, seconds)
    return found
