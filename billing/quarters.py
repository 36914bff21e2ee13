"""Quarters and their deadline (DOMAIN.md "Quarterly reports and suspension of accruals"):
a quarter is named by its first day (1 January, 1 April, 1 July, 1 October); its report
is on time until the quarter's last day, 23:59:59.999999 Asia/Tashkent, plus
QUARTERLY_REPORT_GRACE_DAYS."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.periods import month_next

TASHKENT = ZoneInfo("Asia/Tashkent")
QUARTER_TEXT = _("quarter %(number)s of %(year)s")


def quarter_of(day: dt.date) -> dt.date:
    """The first day of the quarter of ``day``."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(quarter: dt.date) -> dt.date:
    month = quarter.month + 3
    return dt.date(quarter.year + (month > 12), (month - 1) % 12 + 1, 1)


def previous_quarter(quarter: dt.date) -> dt.date:
    month = quarter.month - 3
    return dt.date(quarter.year - (month < 1), (month - 1) % 12 + 1, 1)


def is_quarter_start(day: dt.date) -> bool:
    return day.day == 1 and day.month in (1, 4, 7, 10)


def quarter_months(quarter: dt.date) -> list[dt.date]:
    first = quarter_of(quarter)
    second = month_next(first)
    return [first, second, month_next(second)]


def quarter_text(quarter: dt.date) -> str:
    return str(QUARTER_TEXT % {"number": (quarter.month - 1) // 3 + 1, "year": quarter.year})


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=TASHKENT)


def quarter_end_deadline(quarter: dt.date) -> dt.datetime:
    """The last moment a report of ``quarter`` is on time: the quarter's last day,
    23:59:59.999999 Asia/Tashkent, plus QUARTERLY_REPORT_GRACE_DAYS."""
    last_day = next_quarter(quarter_of(quarter)) - dt.timedelta(days=1)
    end = dt.datetime.combine(last_day, dt.time.max, tzinfo=TASHKENT)
    return end + dt.timedelta(days=settings.QUARTERLY_REPORT_GRACE_DAYS)
