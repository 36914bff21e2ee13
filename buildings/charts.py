"""Server-rendered SVG charts: readable without JavaScript, printable, and accessible.

**Decision** (issue "What people see"): the charts stay small server-rendered SVG, written
here, with **no chart library**. A page has at most a few charts of at most twelve bars;
SVG from the server costs no script, no vendored bundle and no second rendering path,
prints and reads in every browser, and its text is translated and formatted by Django like
the page around it (``number_text``), so a figure in a chart is the figure in the text.

What every chart here does:

- a value axis of 3–5 round ticks (``nice_ticks``: 1, 2, 2.5 or 5 × 10ⁿ), with gridlines
  and the unit in the axis title; tick labels in the page's locale, thousands grouped by a
  no-break space (``number_text``);
- months in the order of their dates, twelve consecutive ones ending with the latest,
  a month without a reading drawn as a gap (``month_window``); never sorted by a label;
  under each bar its month (``01``–``12``), under the months their year;
- labels whole: wrapped into ``<tspan>`` lines across the chart's full width, never cut;
- ``viewBox`` with ``width="100%"``: the chart scales to a 390 px phone;
- ``role="img"`` with an ``aria-label`` and a ``<title>`` that state every figure, and a
  ``<desc>`` that says what the bars are; text is drawn in ``currentColor`` (the page's
  text colour: dark on white, contrast well above 4.5:1); only bars carry colours.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.periods import month_previous, month_start

CLASS_COLOURS = {
    "green": "#2e7d32",
    "yellow": "#f9a825",
    "red": "#c62828",
    "unassessed": "#9e9e9e",
}
OVERALL_COLOUR = "#37474f"
THRESHOLD_COLOUR = "#c62828"
GRID_COLOUR = "#d0d4d9"
AXIS_COLOUR = "#6b7280"
# The width of a character, in ems, used to wrap labels and to size the tick column. Wide
# enough for Cyrillic capitals in the page's sans-serif font: an estimate that errs long
# wraps a line early, never late.
CHAR_EM = 0.62
CHAR_EM_BOLD = 0.7  # DejaVu Sans Bold, Cyrillic: 0.68 em
MANTISSAS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))

V = TypeVar("V")


def number_text(value: int | Decimal) -> str:
    """A number as the page writes it: the locale's decimal separator (a comma in uz and ru)
    and thousands grouped by a no-break space in every language (mening_uyim/formats), at
    the value's own precision (a wear of ``Decimal("48.79")`` is ``48,79``, as the template
    shows it)."""
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _plain(value: Decimal) -> int | Decimal:
    """``2.5E+3`` → ``2500``; ``0.50`` → ``0.5``: a tick as it is written."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def nice_ticks(top: int | float | Decimal, *, most: int = 4) -> list[int | Decimal]:
    """Round tick values from 0 up to at least ``top``: 3 to ``most`` + 1 of them, the step
    1, 2, 2.5 or 5 × 10ⁿ, the smallest such step that covers ``top`` in at most ``most``
    steps (the "nice numbers" of Heckbert, Graphics Gems, 1990). An empty or all-zero
    series gets 0, 1, 2."""
    high = Decimal(str(top)) if not isinstance(top, Decimal) else top
    if high <= 0:
        high = Decimal(1)
    exponent = math.floor(math.log10(high / most))
    step = Decimal(0)
    for power in (exponent, exponent + 1):
        scale = Decimal(10) ** power
        candidates = [m * scale for m in MANTISSAS if m * scale * most >= high]
        if candidates:
            step = candidates[0]
            break
    if step < 1 and high >= 1:
        step = Decimal(1)  # a whole-number series gets whole-number ticks
    intervals = max(2, math.ceil(high / step))
    return [_plain(step * i) for i in range(intervals + 1)]


def month_window(
    readings: Iterable[tuple[dt.date, V]], *, months: int = 12, until: dt.date | None = None
) -> list[tuple[dt.date, V | None]]:
    """``months`` consecutive months, oldest first, ending with ``until`` (by default the
    latest month read): each with its reading, or None where there is none (a gap is
    shown as a gap). Readings older than the window are left out. Ordered by the dates
    themselves, never by a formatted label ("01.25" sorts before "12.25")."""
    by_month = {month_start(day): value for day, value in readings}
    if until is None:
        if not by_month:
            return []
        until = max(by_month)
    periods = [month_start(until)]
    while len(periods) < months:
        periods.append(month_previous(periods[-1]))
    periods.reverse()
    return [(p, by_month.get(p)) for p in periods]


def month_tick(period: dt.date) -> str:
    """``01`` … ``12``: a month under its bar, as the site writes dates (``d.m.Y``). Two
    digits fit a twelfth of a phone's width in every language and font, where a month's
    abbreviation does not (Russian "Июн" in DejaVu Sans is 2.2 em); the year stands
    below, and the month's name in the bar's title, the chart's label and its table."""
    return f"{period:%m}"


def month_long(period: dt.date) -> str:
    """``Dekabr 2025`` (uz), ``Декабрь 2025`` (ru), ``December 2025`` (en)."""
    return formats.date_format(period, "F Y")


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """An upper estimate of ``text``'s width at font ``size``."""
    return len(text) * size * (CHAR_EM_BOLD if bold else CHAR_EM)


def wrap(text: str, *, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width`` at font ``size``, broken at spaces (a
    word longer than a line is broken inside it): every character kept, nothing cut."""
    limit = max(1, int(width // (size * (CHAR_EM_BOLD if bold else CHAR_EM))))
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > limit:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:limit])
            word = word[limit:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= limit:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def _text_lines(lines: Sequence[str], *, x: float, y: float, step: float) -> SafeString:
    """``<tspan>`` lines of one ``<text>``, the first at baseline ``y``."""
    return format_html_join(
        "",
        '<tspan x="{}" y="{}">{}</tspan>',
        ((f"{x:g}", f"{y + i * step:.1f}", line) for i, line in enumerate(lines)),
    )


def _svg(
    *,
    css: str,
    width: float,
    height: float,
    label: str,
    desc: str,
    body: SafeString,
    font: int = 12,
) -> SafeString:
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}"'
        ' fill="currentColor" font-size="{}">'
        "<title>{}</title><desc>{}</desc>{}</svg>",
        css,
        f"{width:g}",
        f"{height:.0f}",
        label,
        font,
        label,
        desc,
        body,
    )


# --- wear by element -------------------------------------------------------------------

WEAR_WIDTH = 340
WEAR_VALUES = 60  # the column of figures on the right: "100,0 %"
WEAR_PLOT = WEAR_WIDTH - WEAR_VALUES - 8  # 0 … 100 %
WEAR_LABEL = 14  # font size of an element's label (a figure's is 13, a tick's 12)
WEAR_LINE = 17
WEAR_LEGEND = 13
WEAR_BAR = 14


@dataclass(frozen=True)
class Reference:
    """A figure drawn beside the bars: its label and its value (a percentage)."""

    label: str
    value: Decimal


def _wear_x(value: int | float | Decimal) -> str:
    return f"{float(value) * WEAR_PLOT / 100:.1f}"


def wear_bars(
    rows: Sequence[tuple[str, Decimal | None, str]],
    *,
    title: str,
    overall: Reference | None = None,
    threshold: Reference | None = None,
) -> SafeString:
    """Horizontal bars of wear, 0–100 %: ``overall`` (the building's weighted wear, the
    figure the text states, in the same format) first and set apart, then ``(label, wear
    %, colour class)`` per element (None: not applicable, drawn as "—"). Each label sits
    above its bar across the chart's width, wrapped, never cut; each figure stands in a
    column of its own on the right, clear of the bars and lines. ``threshold`` is a dashed
    line through every bar, named with its value in a legend above them. Gridlines and
    the threshold are drawn through the bars only, so that they never cross a label."""
    ticks = nice_ticks(100)
    parts: list[SafeString] = []
    figures: list[str] = []
    y = 2.0
    if threshold is not None:
        shown = f"{number_text(threshold.value)} %"
        legend = f"{shown}: {threshold.label}"
        lines = wrap(legend, width=WEAR_WIDTH - 30, size=WEAR_LEGEND)
        parts.append(
            format_html(
                '<g class="legend"><line x1="0" y1="{}" x2="22" y2="{}" stroke="{}"'
                ' stroke-width="2" stroke-dasharray="4 3"></line>'
                '<text class="label" font-size="{}">{}</text></g>',
                f"{y + 8:.1f}",
                f"{y + 8:.1f}",
                THRESHOLD_COLOUR,
                WEAR_LEGEND,
                _text_lines(lines, x=30, y=y + 12, step=16),
            )
        )
        figures.append(legend)
        y += 16 * len(lines) + 10

    def bar(label: str, value: Decimal | None, colour: str, *, strong: bool) -> None:
        nonlocal y
        lines = wrap(label, width=WEAR_WIDTH, size=WEAR_LABEL, bold=strong)
        shown = f"{number_text(value)} %" if value is not None else "—"
        figures.append(f"{label} {shown}")
        bar_y = y + WEAR_LINE * len(lines) + 5  # clear of the label's descenders
        lines_through = format_html_join(
            "",
            '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{colour}"></line>',
            (
                {
                    "x": _wear_x(t),
                    "top": f"{bar_y - 2:.1f}",
                    "bottom": f"{bar_y + WEAR_BAR + 3:.1f}",
                    "colour": GRID_COLOUR,
                }
                for t in ticks
            ),
        )
        if threshold is not None and not strong:  # an element's threshold, not W's
            lines_through = format_html(
                '{}<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{colour}"'
                ' stroke-width="2" stroke-dasharray="4 3"></line>',
                lines_through,
                x=_wear_x(threshold.value),
                top=f"{bar_y - 3:.1f}",
                bottom=f"{bar_y + WEAR_BAR + 4:.1f}",
                colour=THRESHOLD_COLOUR,
            )
        weight = "700" if strong else "400"
        parts.append(
            format_html(
                '<g class="{}"><text class="label" font-size="{}" font-weight="{}">{}</text>{}'
                '<rect x="0" y="{}" width="{}" height="{}" rx="2" fill="{}"></rect>'
                '<text class="value" x="{}" y="{}" text-anchor="end" font-weight="{}">{}</text>'
                "</g>",
                "bar overall" if strong else "bar",
                WEAR_LABEL,
                weight,
                _text_lines(lines, x=0, y=y + WEAR_LABEL, step=WEAR_LINE),
                lines_through,
                f"{bar_y:.1f}",
                _wear_x(value) if value is not None else "0",
                WEAR_BAR,
                colour,
                WEAR_WIDTH,
                f"{bar_y + WEAR_BAR - 2:.1f}",
                weight,
                shown,
            )
        )
        y = bar_y + WEAR_BAR + 10

    if overall is not None:
        bar(overall.label, overall.value, OVERALL_COLOUR, strong=True)
        parts.append(
            format_html(
                '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="{}"></line>',
                f"{y - 3:.1f}",
                WEAR_WIDTH,
                f"{y - 3:.1f}",
                AXIS_COLOUR,
            )
        )
        y += 7
    for label, value, band in rows:
        bar(label, value, CLASS_COLOURS.get(band, CLASS_COLOURS["unassessed"]), strong=False)
    axis = format_html_join(
        "",
        '<text class="tick" x="{}" y="{}" text-anchor="{}" font-size="12">{} %</text>',
        (
            (_wear_x(t), f"{y + 6:.1f}", "start" if t == 0 else "middle", number_text(t))
            for t in ticks
        ),
    )
    desc = _(
        "Bars: the wear of each element, in per cent of 0 to 100 %, from the latest assessment."
    )
    if overall is not None:
        first = _("The first bar is the overall wear, the weighted mean of the elements.")
        desc = f"{desc} {first}"
    return _svg(
        css="chart-wear",
        width=WEAR_WIDTH,
        height=y + 12,
        label=f"{title}: {'; '.join(figures)}",
        desc=desc,
        body=format_html("{}{}", format_html_join("", "{}", ((p,) for p in parts)), axis),
        font=13,
    )


# --- months ----------------------------------------------------------------------------

MONTHS_WIDTH = 400
MONTHS_TOP = 28  # the axis title above the plot
MONTHS_PLOT = 140
MONTHS_FONT = 13
MILLION = 1_000_000


def _years(points: Sequence[tuple[dt.date, object]]) -> list[tuple[int, int, int]]:
    """(year, first index, last index) of each calendar year among ``points``."""
    spans: list[tuple[int, int, int]] = []
    for i, (period, _value) in enumerate(points):
        if spans and spans[-1][0] == period.year:
            spans[-1] = (period.year, spans[-1][1], i)
        else:
            spans.append((period.year, i, i))
    return spans


def month_bars(
    points: Sequence[tuple[dt.date, Decimal | None]],
    *,
    title: str,
    unit: str,
    colour: str,
    value_text: Callable[[Decimal], str] | None = None,
    unit_millions: str | None = None,
) -> SafeString:
    """Vertical bars, one per month in the order given (``month_window``: consecutive,
    oldest first), on a value axis of round ticks titled with ``unit``; where the axis
    reaches a million and ``unit_millions`` is given (``mln so'm``), the ticks count
    millions under that title, so that "600 000 000" does not take a third of a phone's
    width. Under the bars, each month (``month_tick``), and each year centred under its
    months with a tick where one year ends and the next begins; None is a gap. Each bar's
    ``<title>``, and the chart's label, give the month and its full value, written by
    ``value_text`` where given (money: ``1 234 567 so'm``, DOMAIN.md "Languages"), else
    as the number and ``unit``."""
    if not points:
        return format_html('<p class="empty">{}</p>', "—")

    def said(value: Decimal | None) -> str:
        if value is None:
            return _("no data")
        return value_text(value) if value_text else f"{number_text(value)} {unit}"

    values = [v for _p, v in points if v is not None]
    ticks = nice_ticks(max(values, default=Decimal(0)))
    high = float(ticks[-1])
    axis_unit = unit
    tick_texts = [number_text(t) for t in ticks]
    if unit_millions and ticks[-1] >= MILLION:
        axis_unit = unit_millions
        tick_texts = [number_text(_plain(Decimal(t) / MILLION)) for t in ticks]
    left = max(text_width(t, MONTHS_FONT) for t in tick_texts) + 8
    slot = (MONTHS_WIDTH - left) / len(points)
    bar = slot * 0.72
    base = MONTHS_TOP + MONTHS_PLOT

    def level(t: int | Decimal) -> str:
        return f"{base - MONTHS_PLOT * float(t) / high:.1f}"

    axis = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (
                f"{left:.1f}",
                level(t),
                MONTHS_WIDTH,
                level(t),
                AXIS_COLOUR if t == 0 else GRID_COLOUR,
                f"{left - 6:.1f}",
                f"{float(level(t)) + 4:.1f}",
                text,
            )
            for t, text in zip(ticks, tick_texts, strict=True)
        ),
    )
    cols: list[tuple[str, ...]] = []
    for i, (period, value) in enumerate(points):
        centre = left + slot * i + slot / 2
        h = MONTHS_PLOT * float(value) / high if value is not None and value > 0 else 0.0
        cols.append(
            (
                f"{month_long(period)}: {said(value)}",
                f"{centre - bar / 2:.1f}",
                f"{base - h:.1f}",
                f"{bar:.1f}",
                f"{h:.1f}",
                colour,
                f"{centre:.1f}",
                f"{base + 16:.1f}",
                month_tick(period),
            )
        )
    bars = format_html_join(
        "",
        '<g class="bar"><title>{}</title>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text class="month" x="{}" y="{}" text-anchor="middle">{}</text></g>',
        cols,
    )
    half_year = text_width("2026", MONTHS_FONT) / 2

    def year_x(first: int, last: int) -> str:
        # centred under the year's months, kept inside the chart
        centre = left + slot * (first + last + 1) / 2
        return f"{min(max(centre, half_year), MONTHS_WIDTH - half_year):.1f}"

    years = format_html_join(
        "",
        '<text class="year" x="{}" y="{}" text-anchor="middle">{}</text>{}',
        (
            (
                year_x(first, last),
                f"{base + 33:.1f}",
                year,
                # where one year ends and the next begins, through the months' row only
                format_html(
                    '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{colour}"></line>',
                    x=f"{left + slot * first:.1f}",
                    top=f"{base:.1f}",
                    bottom=f"{base + 20:.1f}",
                    colour=AXIS_COLOUR,
                )
                if first > 0
                else "",
            )
            for year, first, last in _years(points)
        ),
    )
    heading = format_html(
        '<text class="axis-title" x="0" y="14" font-weight="700">{}</text>', axis_unit
    )
    label = f"{title}: " + "; ".join(f"{month_long(p)} {said(v)}" for p, v in points)
    desc = _("Bars: the value of each month, on an axis in %(unit)s.") % {"unit": unit}
    return _svg(
        css="chart-months",
        width=MONTHS_WIDTH,
        height=base + 40,
        label=label,
        desc=desc,
        font=MONTHS_FONT,
        body=format_html("{}{}{}{}", heading, axis, bars, years),
    )


# --- a building's consumption ----------------------------------------------------------


@dataclass(frozen=True)
class ConsumptionKind:
    field: str
    label: str
    unit: str
    colour: str


def consumption_kinds() -> list[ConsumptionKind]:
    """What Turar-Joy reports each month (DOMAIN.md "Building registry"), in the active
    language."""
    return [
        ConsumptionKind(
            "electricity_kwh", pgettext("consumption", "Electricity"), _("kWh"), "#1565c0"
        ),
        ConsumptionKind("gas_m3", pgettext("consumption", "Gas"), _("m³"), "#ef6c00"),
        ConsumptionKind("water_m3", pgettext("consumption", "Water"), _("m³"), "#00838f"),
    ]


@dataclass(frozen=True)
class ConsumptionFigures:
    """A building's consumption charts (label, unit, SVG) and the same figures as a table:
    one row per month of the window (month, one text per kind, "—" for a gap)."""

    kinds: list[ConsumptionKind]
    charts: list[tuple[str, str, SafeString]]
    rows: list[tuple[dt.date, list[str]]]


def consumption_figures(readings: Sequence[Any]) -> ConsumptionFigures:
    """Twelve consecutive months up to the latest reading (``month_window``) of each kind;
    ``readings`` are MonthlyConsumption rows (``month`` and one field per kind)."""
    kinds = consumption_kinds()
    window = month_window((r.month, r) for r in readings)
    charts = []
    for kind in kinds:
        points = [(p, getattr(r, kind.field) if r is not None else None) for p, r in window]
        chart = month_bars(
            points, title=f"{kind.label}, {kind.unit}", unit=kind.unit, colour=kind.colour
        )
        charts.append((kind.label, kind.unit, chart))
    rows = [
        (p, [number_text(getattr(r, k.field)) if r is not None else "—" for k in kinds])
        for p, r in window
    ]
    return ConsumptionFigures(kinds=kinds, charts=charts, rows=rows)
