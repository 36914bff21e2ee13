"""Amounts in templates: ``{{ tiyin|som }}`` → ``1 234 567 so'm``."""

from __future__ import annotations

from django import template

from core.money import TIYIN_PER_SOM, format_som

register = template.Library()


@register.filter
def som(tiyin: int | None) -> str:
    return "—" if tiyin is None else format_som(int(tiyin))


@register.filter
def som_value(tiyin: int | None) -> int:
    """Whole so'm for a form field."""
    return 0 if tiyin is None else int(tiyin) // TIYIN_PER_SOM
