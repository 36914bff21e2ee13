"""Billing months ("periods"): the first day of a month, in Asia/Tashkent (DOMAIN.md
"Billing": "on the first day of month M")."""

from __future__ import annotations

import datetime as dt
import re

_PERIOD = re.compile(r"(\d{4})-(\d{2})")


class BadPeriod(ValueError):
    """Not a month written as YYYY-MM."""


def period_parse(text: str) -> dt.date:
    """``"2026-12"`` → 1 December 2026; anything else is refused."""
    match = _PERIOD.fullmatch((text or "").strip())
    if match is None:
        raise BadPeriod(text)
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < 2000:
        raise BadPeriod(text)
    return dt.date(year, month, 1)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_next(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_previous(period: dt.date) -> dt.date:
    return (period.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def period_text(period: dt.date) -> str:
    return f"{period:%Y-%m}"
