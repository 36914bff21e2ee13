"""The building page's charts (issue "What people see", buildings.charts): round ticks
that cover the figures, whole labels in every language, months in the order of their
dates across a year boundary, the figure the text states drawn with the same value and
format, units on the axes, and an accessible name that states the figures."""

from __future__ import annotations

import datetime as dt
import math
import os
import xml.etree.ElementTree as ET  # nosec B405 # our own markup
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from buildings.charts import (
    CHAR_EM,
    CHAR_EM_BOLD,
    WEAR_LABEL,
    WEAR_LEGEND,
    WEAR_WIDTH,
    Reference,
    month_bars,
    month_window,
    nice_ticks,
    number_text,
    wear_bars,
)
from buildings.classification import classify, policy_current
from buildings.models import ELEMENT_LABELS, Building, ConditionAssessment, MonthlyConsumption
from mening_uyim.demo import DEMO_A, Cast, _demo_records, personas_ensure
from tests.chart_svg import charts, groups, lines, texts, title
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db
LANGUAGES = ("uz", "ru", "en")
DECIMALS = [Decimal("0.3"), Decimal("48.79"), Decimal("8107.00")]
MONTHS_FROM_DECEMBER = ["12", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"]
MONTHS_FROM_MAY = ["05", "06", "07", "08", "09", "10", "11", "12", "01", "02", "03", "04"]
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _freeze(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    """The clock stands at ``moment`` (timezone.localdate reads timezone.now)."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def _page(client: Client, building: Building, language: str = "uz") -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/registry/buildings/{building.pk}/")
    assert response.status_code == 200
    return response.content.decode()


# --- ticks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "top",
    [0, 1, 3, 7, 30, 99, 100, 410, 531, 3_600, 7_207, 8_107, 10_001, 1_677_224_268, *DECIMALS],
)
def test_ticks_are_round_and_cover_the_maximum(top: Any) -> None:
    ticks = nice_ticks(top)
    step = Decimal(str(ticks[1]))
    assert ticks[0] == 0
    assert 3 <= len(ticks) <= 5
    assert ticks[-1] >= top  # the axis covers the highest bar
    assert len(ticks) == 3 or ticks[-2] < top  # and has no empty interval above it
    mantissa = step / Decimal(10) ** math.floor(math.log10(step))
    assert mantissa in (1, 2, Decimal("2.5"), 5), ticks
    assert all(Decimal(str(t)) == step * i for i, t in enumerate(ticks))


def test_tick_labels_are_written_in_the_pages_locale() -> None:
    with translation.override("ru"):
        assert [number_text(t) for t in nice_ticks(7_207)] == [
            "0",
            "2\u00a0000",
            "4\u00a0000",
            "6\u00a0000",
            "8\u00a0000",
        ]
        assert number_text(Decimal("48.79")) == "48,79"
    with translation.override("en"):
        assert number_text(Decimal("48.79")) == "48.79"
        assert number_text(10_000) == "10\u00a0000"  # the project's English groups by a space


# --- labels -----------------------------------------------------------------------------


def _wear_chart() -> Any:
    rows = [(str(label), Decimal("55.0"), "green") for label in ELEMENT_LABELS.values()]
    svg = wear_bars(
        rows,
        title="t",
        overall=Reference(str(_overall_label()), Decimal("48.79")),
        threshold=Reference(str(_threshold_label()), Decimal(60)),
    )
    (chart,) = charts(str(svg))
    return chart


def _overall_label() -> str:
    return translation.gettext("Overall wear (weighted mean)")


def _threshold_label() -> str:
    return translation.gettext("an element above this line makes the building at least yellow")


@pytest.mark.parametrize("language", LANGUAGES)
def test_element_labels_are_whole_in_every_language(language: str) -> None:
    with translation.override(language):
        chart = _wear_chart()
        labels = [str(label) for label in ELEMENT_LABELS.values()]
        longest = max(labels, key=len)
        shown = texts(chart, "label")
        assert shown[0] == f"60 %: {_threshold_label()}"
        assert shown[1] == _overall_label()
        assert shown[2:] == labels  # every label whole, in order, the longest among them
        assert longest in shown
    markup = ET.tostring(chart, encoding="unicode")
    assert "…" not in markup
    assert "..." not in markup
    # every line fits the chart's width by the estimate the wrapping uses
    for i, spans in enumerate(lines(chart, "label")):
        em = CHAR_EM_BOLD if i == 1 else CHAR_EM
        size = WEAR_LEGEND if i == 0 else WEAR_LABEL
        assert all(len(s) * size * em <= WEAR_WIDTH for s in spans), spans


@pytest.mark.skipif(not os.path.exists(DEJAVU), reason=f"no {DEJAVU} (fonts-dejavu-core)")
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_width_estimate_holds_for_a_wide_font(language: str) -> None:
    """In DejaVu Sans (Debian's default sans-serif, and one of the widest) no line of a
    label runs out of the chart: the wrapping's estimate errs long."""
    from PIL import ImageFont

    regular = ImageFont.truetype(DEJAVU, 100)
    bold = ImageFont.truetype(DEJAVU_BOLD, 100)
    with translation.override(language):
        chart = _wear_chart()
    for i, spans in enumerate(lines(chart, "label")):
        font = bold if i == 1 else regular
        # the legend is indented by its dashed sample
        size, room = (WEAR_LEGEND, WEAR_WIDTH - 30) if i == 0 else (WEAR_LABEL, WEAR_WIDTH)
        for span in spans:
            assert font.getlength(span) / 100 * size <= room, span


def test_a_long_label_wraps_into_lines_and_keeps_every_word() -> None:
    long = "Фасад и места общего пользования, включая подвалы, чердаки и лестничные клетки"
    (chart,) = charts(str(wear_bars([(long, Decimal(10), "green")], title="t")))
    (spans,) = lines(chart, "label")
    assert len(spans) > 1
    assert " ".join(spans) == long


# --- months -----------------------------------------------------------------------------


def test_the_window_is_twelve_consecutive_months_ending_with_the_latest() -> None:
    readings = [
        (dt.date(2026, 11, 1), 11),
        (dt.date(2025, 1, 1), 1),  # older than the window: left out
        (dt.date(2025, 12, 1), 12),
        (dt.date(2026, 1, 1), 101),
        (dt.date(2026, 3, 1), 103),  # February is missing: a gap
    ]
    window = month_window(readings)
    assert [p for p, _v in window] == [dt.date(2025, 12, 1)] + [
        dt.date(2026, m, 1) for m in range(1, 12)
    ]
    assert [v for _p, v in window][:4] == [12, 101, None, 103]
    assert month_window([]) == []


def _ticks(svg: Any) -> tuple[list[str], list[str]]:
    return texts(svg, "month"), texts(svg, "year")


def test_demo_consumption_runs_in_date_order_across_the_new_year(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On 1 December 2026, half an hour after midnight in Tashkent (still 30 November in
    UTC), the demo's building A shows December 2025 to November 2026, in that order: the
    demo used to store January 2026 as January 2025 ("01.25, 12.25, 02.26")."""
    _freeze(monkeypatch, dt.datetime(2026, 11, 30, 19, 30, tzinfo=dt.UTC))
    assert timezone.localdate() == dt.date(2026, 12, 1)
    months = [r["month"] for r in _demo_records() if r["kind"] == "consumption"]
    assert sorted(months) == ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
    personas_ensure(password=PASSWORD)
    building = Building.objects.get(cadastral_number=DEMO_A)
    stored = list(building.consumption.values_list("month", flat=True))
    assert sorted(stored) == [dt.date(2025, 12, 1)] + [dt.date(2026, m, 1) for m in range(1, 12)]
    html = _page(client, building)
    consumption = charts(html)[1:]
    assert len(consumption) == 3
    for svg in consumption:
        assert _ticks(svg) == (MONTHS_FROM_DECEMBER, ["2025", "2026"])
        bars = [title(g) for g in groups(svg, "bar")]
        assert bars[0].startswith("Dekabr 2025: ")
        assert bars[1].startswith("Yanvar 2026: ")
        assert bars[-1].startswith("Noyabr 2026: ")


def test_a_missing_month_is_a_gap_in_the_chart_and_the_table(
    client: Client, cast: Cast, make_building: Any
) -> None:
    building = make_building()
    for month in (dt.date(2026, 2, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1)):
        MonthlyConsumption.objects.create(  # written out of order, and March is missing
            building=building, month=month, electricity_kwh=100, gas_m3=10, water_m3=1
        )
    MonthlyConsumption.objects.create(
        building=building, month=dt.date(2026, 4, 1), electricity_kwh=200, gas_m3=20, water_m3=2
    )
    html = _page(client, building, "ru")
    electricity = charts(html)[0]
    assert texts(electricity, "month") == MONTHS_FROM_MAY
    assert texts(electricity, "year") == ["2025", "2026"]
    bars = groups(electricity, "bar")
    assert title(bars[10]) == "Март 2026: нет данных"
    assert bars[10].find("rect").get("height") == "0.0"  # type: ignore[union-attr]
    assert float(bars[11].find("rect").get("height")) > 0  # type: ignore[union-attr, arg-type]
    assert '<th scope="row">Март 2026</th><td class="num">—</td>' in html


def test_month_bars_take_dates_not_labels() -> None:
    """The order is the dates'; a label sorted as text put "01.25" before "12.25"."""
    points = [(dt.date(2025, 12, 1), Decimal(5)), (dt.date(2026, 1, 1), Decimal(7))]
    with translation.override("uz"):
        (svg,) = charts(str(month_bars(points, title="t", unit="kVt·soat", colour="#000")))
    assert _ticks(svg) == (["12", "01"], ["2025", "2026"])


# --- units, figures, accessibility ------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "units"),
    [("uz", ["kVt·soat", "m³", "m³"]), ("ru", ["кВт·ч", "м³", "м³"]), ("en", ["kWh", "m³", "m³"])],
)
def test_consumption_axes_carry_their_units(
    client: Client, cast: Cast, language: str, units: list[str]
) -> None:
    html = _page(client, Building.objects.get(cadastral_number=DEMO_A), language)
    consumption = charts(html)[1:]
    assert [texts(svg, "axis-title") for svg in consumption] == [[u] for u in units]
    for svg, unit in zip(consumption, units, strict=True):
        ticks = texts(svg, "tick")
        assert ticks[0] == "0"
        assert 3 <= len(ticks) <= 5
        assert f" {unit}; " in svg.get("aria-label", "")  # every month's figure, with its unit


@pytest.mark.parametrize(
    ("language", "expected"), [("uz", "48,79"), ("ru", "48,79"), ("en", "48.79")]
)
def test_the_overall_wear_in_the_text_is_the_one_in_the_chart(
    client: Client, cast: Cast, language: str, expected: str
) -> None:
    building = Building.objects.get(cadastral_number=DEMO_A)
    latest = ConditionAssessment.objects.filter(building=building).first()
    assert latest is not None
    result = classify(latest.wear(), emergency=False, has_elevator=True, policy=policy_current())
    assert result.overall_wear == building.overall_wear == Decimal("48.79")
    html = _page(client, building, language)
    text = html.split('<figure class="chart-figure">')[0].rsplit("<p>", 1)[1]
    assert f" {expected} %." in text  # "... overall wear 48,79 %."
    wear = charts(html)[0]
    (overall,) = groups(wear, "overall")
    assert texts(overall, "value") == [f"{expected} %"]
    assert f"{expected} %" in wear.get("aria-label", "")
    # each element as the page writes a number: 35,0 % in uz and ru, never 35.0 %
    values = texts(wear, "value")[1:]
    decimal = "." if language == "en" else ","
    assert values[0] == f"35{decimal}0 %"
    assert all(decimal in v for v in values)
    # the dashed line is named, with the policy's value
    assert texts(wear, "label")[0].startswith("60 %: ")
    caption = html.split('<figure class="chart-figure">')[1].split("</figure>")[0]
    assert f"{expected} %" in caption
    assert "60 %" in caption


def test_every_chart_is_an_image_that_states_its_figures(client: Client, cast: Cast) -> None:
    html = _page(client, Building.objects.get(cadastral_number=DEMO_A))
    found = charts(html)
    assert len(found) == 4  # wear by element, electricity, gas, water
    for svg in found:
        assert svg.get("role") == "img"
        assert svg.get("width") == "100%"
        assert svg.get("viewBox", "").startswith("0 0 ")
        label = svg.get("aria-label", "")
        assert label
        assert title(svg) == label
        assert (svg.findtext("desc") or "").strip()
        # text in the page's colour (dark on white); only bars and lines carry colours
        assert svg.get("fill") == "currentColor"
        assert all(t.get("fill") is None for t in svg.iter("text"))
    wear = found[0]
    assert all(v in wear.get("aria-label", "") for v in texts(wear, "value"))
    assert '<details class="chart-data">' in html  # the figures as a table, too


def test_the_generator_writes_the_twelve_months_before_tashkents_today(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At 00:30 on 1 January 2027 in Tashkent (19:30 on 31 December in UTC) the generated
    consumption runs from January to December 2026: the months before Tashkent's month,
    not the server's."""
    from buildings.generator import generate

    _freeze(monkeypatch, dt.datetime(2026, 12, 31, 19, 30, tzinfo=dt.UTC))
    generate(scale=0.0005, seed=5)
    months = set(MonthlyConsumption.objects.values_list("month", flat=True))
    assert months == {dt.date(2026, m, 1) for m in range(1, 13)}
