from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.money import format_som, som_parse


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_amounts_are_grouped_by_thousands_in_som() -> None:
    assert format_som(123_456_700) == "1\u00a0234\u00a0567 so'm"
    assert format_som(0) == "0 so'm"
    assert format_som(-50_000) == "-500 so'm"


def test_tiyin_are_never_dropped() -> None:
    assert format_som(12_345) == "123.45 so'm"
    assert format_som(100, with_tiyin=True) == "1.00 so'm"


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("uz", "1\u00a0234\u00a0567,05 so\u02bbm"),
        ("ru", "1\u00a0234\u00a0567,05 сум"),
        ("en", "1\u00a0234\u00a0567.05 so'm"),
    ],
)
def test_the_currency_and_decimal_separator_follow_the_language(language: str, shown: str) -> None:
    with translation.override(language):
        assert format_som(123_456_705) == shown
        assert som_parse(shown) == 123_456_705  # what the pages show, the forms read back


@pytest.mark.parametrize(
    ("language", "shown"), [("uz", "7\u00a0448"), ("ru", "7\u00a0448"), ("en", "7\u00a0448")]
)
def test_counts_are_grouped_as_amounts_are_in_every_language(language: str, shown: str) -> None:
    """English groups by a space too (mening_uyim/formats/en), so a page never reads
    "7,448 apartments" beside "1 234 so'm"."""
    with translation.override(language):
        rendered = Template("{% load humanize %}{{ n|intcomma }}").render(Context({"n": 7448}))
    assert rendered == shown


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        format_som(1.5)  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_formatting_round_trips(tiyin: int) -> None:
    text = format_som(tiyin, with_tiyin=True).removesuffix(" so'm").replace("\u00a0", "")
    som, rest = text.lstrip("-").split(".")
    value = int(som) * 100 + int(rest)
    assert (-value if text.startswith("-") else value) == tiyin
