"""core.stamps: figures cached under stamps, and what happens when the cache is down."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from core import stamps
from core.stamps import cached_under, stamps_read, stamps_renew

pytestmark = pytest.mark.django_db


class _Down:
    """A cache whose server does not answer."""

    def __getattr__(self, name: str) -> Any:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("the cache is down")

        return refuse


def test_a_figure_is_built_once_per_stamp() -> None:
    built: list[int] = []

    def build() -> int:
        built.append(1)
        return len(built)

    assert cached_under(["t"], "figure", build, 60) == 1
    assert cached_under(["t"], "figure", build, 60) == 1
    stamps_renew(["t"])
    assert cached_under(["t"], "figure", build, 60) == 2


def test_a_lost_stamp_is_never_the_old_one() -> None:
    (first,) = stamps_read(["t"])
    cache.delete(stamps.PREFIX + "t")
    (second,) = stamps_read(["t"])
    assert second != first
    assert stamps_read(["t"]) == (second,)


def test_an_unreachable_cache_reads_from_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stamps, "cache", _Down())
    calls: list[int] = []

    def build() -> int:
        calls.append(1)
        return len(calls)

    assert [cached_under(["t"], "figure", build, 60) for _ in range(2)] == [1, 2]  # none stored
    stamps_renew(["t"])  # logged, not raised


def test_roles_survive_an_unreachable_cache(monkeypatch: pytest.MonkeyPatch, cast) -> None:
    from accounts.models import User
    from accounts.permissions import roles_of

    monkeypatch.setattr(stamps, "cache", _Down())
    assert roles_of(User.objects.get(pk=cast.users["owner"].pk)).is_owner
