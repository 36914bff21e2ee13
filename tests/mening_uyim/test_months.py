"""A month inside a sentence: lower case in Russian, as written in Uzbek and English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from mening_uyim.templatetags.months import month_in_text


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "ноябрь 2026"), ("uz", "Noyabr 2026"), ("en", "November 2026")],
)
def test_month_in_text(language: str, expected: str) -> None:
    with translation.override(language):
        assert month_in_text(dt.date(2026, 11, 1)) == expected
