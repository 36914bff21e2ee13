"""A month inside a sentence: ``{{ period|month_in_text }}``."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()

# languages whose month names are written in lower case inside a sentence, where the
# translations put the month inside it (Russian: "Квитанция за ноябрь 2026"; the Uzbek
# translations lead with it: "Dekabr 2026 uchun kvitansiya")
LOWER_CASE_MONTHS = ("ru",)


@register.filter
def month_in_text(period: dt.date | None) -> str:
    """ "ноябрь 2026" (ru), "Dekabr 2026" (uz), "December 2026" (en): the month and year
    as the receipt's sentence carries them."""
    if period is None:
        return ""
    text = formats.date_format(period, "F Y")
    if (get_language() or "").split("-")[0] in LOWER_CASE_MONTHS:
        return text[:1].lower() + text[1:]
    return text
