from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import format_som


def test_amounts_are_grouped_by_thousands_in_som() -> None:
    assert format_som(123_456_700) == "1\u00a0234\u00a0567 so'm"
    assert format_som(0) == "0 so'm"
    assert format_som(-50_000) == "-500 so'm"


def test_tiyin_are_never_dropped() -> None:
    assert format_som(12_345) == "123,45 so'm"
    assert format_som(100, with_tiyin=True) == "1,00 so'm"


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        format_som(1.5)  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_formatting_round_trips(tiyin: int) -> None:
    text = format_som(tiyin, with_tiyin=True).removesuffix(" so'm").replace("\u00a0", "")
    som, rest = text.lstrip("-").split(",")
    value = int(som) * 100 + int(rest)
    assert (-value if text.startswith("-") else value) == tiyin
