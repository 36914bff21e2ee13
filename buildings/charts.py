"""Server-rendered SVG charts: readable without JavaScript, printable, and accessible."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

CLASS_COLOURS = {
    "green": "#2e7d32",
    "yellow": "#f9a825",
    "red": "#c62828",
    "unassessed": "#9e9e9e",
}


def wear_bars(rows: Sequence[tuple[str, Decimal | None, str]], *, title: str) -> SafeString:
    """Horizontal bars: (label, wear %, colour class) per element; None = not applicable."""
    height = 26 * len(rows) + 10
    bars = []
    for i, (label, value, band) in enumerate(rows):
        y = 5 + i * 26
        width = float(value) * 3.0 if value is not None else 0
        shown = f"{value} %" if value is not None else "—"
        bars.append(
            (
                y + 15,
                label,
                150,
                y + 3,
                f"{width:.1f}",
                CLASS_COLOURS.get(band, "#9e9e9e"),
                f"{150 + width + 6:.1f}",
                y + 15,
                shown,
            )
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" font-size="13">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="16" rx="2" fill="{}"></rect>'
        '<text x="{}" y="{}" font-size="12">{}</text>',
        bars,
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 570 {}" role="img" aria-label="{}">'
        '<line x1="380" y1="0" x2="380" y2="{}" stroke="#c62828" stroke-dasharray="3 3"></line>'
        "{}</svg>",
        height,
        title,
        height,
        body,
    )


def month_bars(
    points: Sequence[tuple[str, Decimal]],
    *,
    title: str,
    unit: str,
    colour: str,
    value_text: Callable[[Decimal], str] | None = None,
) -> SafeString:
    """Vertical bars for up to 12 months, labelled with the month and scaled to the maximum;
    each bar's title is the month and its value, written by ``value_text`` where given
    (money: ``1 234 567 so'm``, DOMAIN.md "Languages"), else as the number and ``unit``."""
    if not points:
        return format_html('<p class="empty">{}</p>', "—")
    top = max(float(v) for _, v in points) or 1.0
    width = 40 * len(points)
    cols: list[tuple[Any, ...]] = []
    for i, (label, value) in enumerate(points):
        h = 120 * float(value) / top
        cols.append(
            (
                f"{label}: {value_text(value) if value_text else f'{value} {unit}'}",
                i * 40 + 6,
                f"{130 - h:.1f}",
                f"{h:.1f}",
                colour,
                i * 40 + 20,
                label,
            )
        )
    body = format_html_join(
        "",
        '<g><title>{}</title><rect x="{}" y="{}" width="28" height="{}" fill="{}"></rect>'
        '<text x="{}" y="146" font-size="10" text-anchor="middle">{}</text></g>',
        cols,
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} 150" role="img" aria-label="{}">{}</svg>',
        width,
        title,
        body,
    )
