"""Dispatch in other apps' templates: a lot's dispatch figures for the lot page (DOMAIN.md
"MC scorecards", per lot: share of deadlines met, median time to resolve, rating)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def lot_dispatch_figures(lot: Any) -> dict[str, int | None]:
    """The lot's figures over its tickets (one query); None where nothing is measured."""
    from dispatch.scores import lot_figures

    if lot is None or lot.pk is None:
        return {}
    return lot_figures(lot.pk)


def _missing(value: Any) -> bool:
    return value is None or value == ""


def _no_data() -> str:
    from django.utils.html import format_html
    from django.utils.translation import gettext

    return format_html('<span class="empty">{}</span>', gettext("no data"))


@register.filter
def tenths(value: int | None) -> str:
    """45 → "4,5 / 5" (a rating in tenths of a star, as the scorecards keep it); "no
    data" when there is none (or no scorecard at all)."""
    if _missing(value):
        return _no_data()
    assert value is not None
    return f"{int(value) // 10},{int(value) % 10} / 5"


@register.filter
def percent(value: int | None) -> str:
    return _no_data() if _missing(value) else f"{int(value)} %"  # type: ignore[arg-type]


@register.filter
def hours(value: int | None) -> str:
    from django.utils.translation import ngettext

    if _missing(value):
        return _no_data()
    n = int(value)  # type: ignore[arg-type]
    return ngettext("%(hours)s hour", "%(hours)s hours", n) % {"hours": n}
