"""One parser for ids that come from users: URL parts and query parameters.

An id is 1 to 19 ASCII digits and at most 2**63 - 1 (a 64-bit primary key on PostgreSQL
and SQLite). ``str.isdigit()`` is not enough: it accepts "²" and other Unicode digits,
which ``int()`` then refuses or the database cannot hold (a 500). Pages ignore a bad
filter and say so; the API answers 400.
"""

from __future__ import annotations

import re

MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")  # a str pattern's [0-9] is ASCII only, unlike \d


class BadId(ValueError):
    """The text is not an id."""


def parse_id(value: object) -> int:
    """The id that ``value`` spells, or BadId."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, bool) or not isinstance(text, str | int):
        raise BadId(value)
    if isinstance(text, int):
        if 0 < text <= MAX_ID:
            return text
        raise BadId(value)
    if not _ID.fullmatch(text):
        raise BadId(value)
    number = int(text)
    if not 0 < number <= MAX_ID:
        raise BadId(value)
    return number


def optional_id(value: object) -> int | None:
    """None for an empty value; otherwise as parse_id."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_id(value)


class IdConverter:
    """URL converter ``<id:pk>``: 1 to 19 ASCII digits; anything longer is simply no match
    (404), never an overflow in the database."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        try:
            return parse_id(value)
        except BadId:
            raise ValueError(value) from None  # Django treats it as no match: 404

    def to_url(self, value: int) -> str:
        return str(value)
