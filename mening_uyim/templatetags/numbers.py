"""Counts in templates: ``{{ n|num }}`` → ``7 448`` in the page's locale (grouped by a
no-break space in every language: mening_uyim/formats/en)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return number_format(value, use_l10n=True, force_grouping=True)
