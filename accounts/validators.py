"""Identity validators: PINFL and Uzbek mobile phone numbers.

PINFL (JShShIR) is the 14-digit personal identification number. Its first digit encodes
century and sex (1–6), digits 2–7 the birth date as DDMMYY. We validate that structure but
not the check digit: its algorithm is not published by the registry, and a careful
registrar would rather accept a real citizen than reject one on a guess (choice written
in the README's closing notes).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PINFL_RE = re.compile(r"^[0-9]{14}$")
PHONE_RE = re.compile(r"^\+998[0-9]{9}$")

MSG_PINFL_DIGITS = _("PINFL must be exactly 14 digits.")
MSG_PINFL_CENTURY = _("PINFL must start with a digit from 1 to 6.")
MSG_PINFL_DATE = _("PINFL digits 2–7 must be a real birth date (DDMMYY).")
MSG_PHONE = _("Enter a phone number as +998XXXXXXXXX (9 digits after +998).")

_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


def validate_pinfl(value: str) -> None:
    if not isinstance(value, str) or not PINFL_RE.match(value):
        raise ValidationError(MSG_PINFL_DIGITS, code="pinfl_digits")
    century = _CENTURY.get(value[0])
    if century is None:
        raise ValidationError(MSG_PINFL_CENTURY, code="pinfl_century")
    day, month, year = int(value[1:3]), int(value[3:5]), int(value[5:7])
    try:
        dt.date(century + year, month, day)
    except ValueError:
        raise ValidationError(MSG_PINFL_DATE, code="pinfl_date") from None


def normalize_phone(value: str) -> str:
    """Bring the ways people write a number to ``+998XXXXXXXXX``.

    "+998 90 123-45-67", "998901234567", "(90) 123 45 67" and "901234567" all normalise
    to "+998901234567". Anything else is returned stripped, for the validator to reject.
    """
    raw = (value or "").strip()
    digits = re.sub(r"[\s\-()]", "", raw)
    if digits.startswith("+"):
        return digits
    if re.fullmatch(r"998[0-9]{9}", digits):
        return "+" + digits
    if re.fullmatch(r"[0-9]{9}", digits):
        return "+998" + digits
    return digits or raw


def validate_phone(value: str) -> None:
    if not isinstance(value, str) or not PHONE_RE.match(value):
        raise ValidationError(MSG_PHONE, code="phone")
