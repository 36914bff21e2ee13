"""Money is integer tiyin (1 so'm = 100 tiyin); never floats (Billing, DOMAIN.md)."""

from __future__ import annotations

import re

from django.utils.formats import get_format
from django.utils.translation import pgettext

TIYIN_PER_SOM = 100
# U+00A0: a space that never breaks inside an amount. Money is grouped by it in every
# language (DOMAIN.md "Languages"); the project's English format does the same for all
# numbers (mening_uyim/formats/en), so that counts and amounts read alike on one page.
_GROUP_SEP = "\u00a0"


def currency() -> str:
    """The currency's name in the active language: ``soʻm`` (uz), ``сум`` (ru), ``so'm`` (en)."""
    return pgettext("currency", "so'm")


def format_som(tiyin: int, *, with_tiyin: bool = False) -> str:
    """Render ``tiyin`` as ``1 234 567 so'm`` (DOMAIN.md "Languages"), in the active
    language: the currency's name (``currency``) and the decimal separator (a comma in
    uz and ru, a point in en) follow it.

    Whole so'm are shown by default; the tiyin part is appended only when asked for or
    when it is not zero, so that a balance never silently loses precision.
    """
    if not isinstance(tiyin, int) or isinstance(tiyin, bool):
        raise TypeError("money must be an integer number of tiyin")
    sign = "-" if tiyin < 0 else ""
    som, rest = divmod(abs(tiyin), TIYIN_PER_SOM)
    grouped = f"{som:,}".replace(",", _GROUP_SEP)
    if with_tiyin or rest:
        grouped = f"{grouped}{get_format('DECIMAL_SEPARATOR')}{rest:02d}"
    return f"{sign}{grouped} {currency()}"


class BadAmount(ValueError):
    """Not an amount in so'm."""


# digits, optionally grouped by spaces (also no-break and thin ones), and up to 2 decimals
_SOM = re.compile(r"([0-9]+)(?:[.,]([0-9]{1,2}))?")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_UNIT = re.compile(r"\s*(so['ʻ’]?m|сум|сўм)\s*$", re.IGNORECASE)


def som_parse(text: str) -> int:
    """``"1 234 567,5"`` → 123456750 tiyin, in integers only (never a float)."""
    cleaned = _SPACES.sub("", _UNIT.sub("", (text or "").strip()))
    match = _SOM.fullmatch(cleaned)
    if match is None:
        raise BadAmount(text)
    whole, fraction = match[1], (match[2] or "").ljust(2, "0")
    return int(whole) * TIYIN_PER_SOM + int(fraction)
