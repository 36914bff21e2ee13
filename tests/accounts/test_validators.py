from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.validators import normalize_phone, validate_phone, validate_pinfl


@pytest.mark.parametrize("pinfl", ["31505850010011", "42911990123456", "50101051234567"])
def test_valid_pinfls_pass(pinfl: str) -> None:
    validate_pinfl(pinfl)


@pytest.mark.parametrize(
    ("pinfl", "code"),
    [
        ("3150585001001", "pinfl_digits"),  # 13 digits
        ("315058500100111", "pinfl_digits"),  # 15 digits
        ("3150585001001A", "pinfl_digits"),
        (" 31505850010011", "pinfl_digits"),
        ("71505850010011", "pinfl_century"),
        ("03150585001001", "pinfl_century"),
        ("33213850010011", "pinfl_date"),  # month 13
        ("33002850010011", "pinfl_date"),  # 30 February
    ],
)
def test_malformed_pinfls_are_rejected_with_a_reason(pinfl: str, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_pinfl(pinfl)
    assert exc.value.code == code


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("+998 90 123-45-67", "+998901234567"),
        ("998901234567", "+998901234567"),
        ("(90) 123 45 67", "+998901234567"),
        ("901234567", "+998901234567"),
    ],
)
def test_phones_are_normalised(raw: str, normal: str) -> None:
    assert normalize_phone(raw) == normal
    validate_phone(normalize_phone(raw))


@pytest.mark.parametrize("raw", ["+99890123456", "+7 912 345 67 89", "90-123", "phone"])
def test_bad_phones_are_rejected(raw: str) -> None:
    with pytest.raises(ValidationError):
        validate_phone(normalize_phone(raw))


@pytest.mark.parametrize(
    ("lang", "fragment"),
    [("uz", "14 ta raqam"), ("ru", "14 цифр"), ("en", "exactly 14 digits")],
)
def test_pinfl_error_is_translated(lang: str, fragment: str) -> None:
    with translation.override(lang):
        with pytest.raises(ValidationError) as exc:
            validate_pinfl("123")
        assert fragment in exc.value.messages[0]


@pytest.mark.parametrize(
    ("lang", "fragment"), [("uz", "+998XXXXXXXXX"), ("ru", "Введите"), ("en", "Enter a phone")]
)
def test_phone_error_is_translated(lang: str, fragment: str) -> None:
    with translation.override(lang):
        with pytest.raises(ValidationError) as exc:
            validate_phone("123")
        assert fragment in exc.value.messages[0]
