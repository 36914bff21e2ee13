"""The inspection's page of the MCs' money by month (issue 10 point 9: "Inspectors see
each MC's contributions and additional revenue by month"): the ledger's credits to each
MC's contribution income (the accrual) and additional revenue, per month, for the lots of
the inspector's region; a table and a bar chart per MC."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from billing.accrual import accrual_lot
from billing.ledger import transaction_reverse
from billing.models import AdditionalRevenue, Tariff
from billing.revenue import revenue_record
from billing.revenue_selectors import money_by_month, months_until
from buildings.models import Apartment
from lots.models import Lot, LotStatus
from mening_uyim.demo import Cast
from tests.billing.revenue_world import pdf, sa_lot, tk_lot
from tests.chart_svg import charts, groups, texts, title
from tests.factories import ManagementCompanyFactory

pytestmark = pytest.mark.django_db
OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)
TARIFF = 1_500  # tiyin per m² a month


def _charges(lot: Lot, period: dt.date) -> int:
    """What the accrual credits the lot's MC for ``period`` (area × tariff, half up)."""
    areas = Apartment.objects.filter(building__lot_membership__lot=lot).values_list(
        "area_m2", flat=True
    )
    return sum((int(a * 100) * TARIFF + 50) // 100 for a in areas)


def _accrue(c: Cast, lot: Lot, *periods: dt.date) -> None:
    Tariff.objects.create(
        lot=lot,
        effective_from=OCT,
        tiyin_per_m2=TARIFF,
        set_by=c.users["council"],
        set_by_role="council_member",
        set_at=timezone.now(),
    )
    for period in periods:
        accrual_lot(lot_id=lot.pk, period=period, at=timezone.make_aware(dt.datetime(2026, 12, 1)))


def _revenue(lot: Lot, by: Any, amount: int, on: dt.date) -> AdditionalRevenue:
    return revenue_record(
        lot=lot,
        kind="other",
        counterparty="Reklama",
        amount_tiyin=amount,
        received_on=on,
        document=pdf(),
        by=by,
    )


def test_each_mc_of_the_region_by_month(cast: Cast) -> None:
    lot = tk_lot(cast)
    director = cast.users["mc_director"]
    _accrue(cast, lot, OCT, NOV)
    _revenue(lot, director, 1_000_000_00, dt.date(2026, 10, 31))
    _revenue(lot, director, 250_000_00, dt.date(2026, 11, 1))
    wrong = _revenue(lot, director, 77_00, dt.date(2026, 11, 5))
    transaction_reverse(original=wrong.transaction, at=timezone.now())  # nets out
    (mine,) = money_by_month(cast.users["inspector"], months_until(DEC))
    assert mine.company == cast.mc
    charged = _charges(lot, OCT)
    assert charged > 0
    assert mine.months == {
        OCT: (charged, 1_000_000_00),
        NOV: (charged, 250_000_00),
    }
    assert (mine.contributions, mine.revenue) == (2 * charged, 1_250_000_00)
    assert mine.rows(months_until(DEC))[-3:] == [
        (OCT, charged, 1_000_000_00),
        (NOV, charged, 250_000_00),
        (DEC, 0, 0),
    ]


def test_an_inspector_sees_only_the_mcs_of_their_region(cast: Cast) -> None:
    tk, sa = tk_lot(cast), sa_lot(cast)
    _revenue(tk, cast.users["mc_director"], 5_000_00, NOV)
    _revenue(sa, cast.users["rival_mc"], 7_000_00, NOV)
    periods = months_until(DEC)
    tashkent = money_by_month(cast.users["inspector"], periods)
    samarkand = money_by_month(cast.users["other_inspector"], periods)
    assert [(f.company, f.revenue) for f in tashkent] == [(cast.mc, 5_000_00)]
    assert [(f.company, f.revenue) for f in samarkand] == [(cast.rival_mc, 7_000_00)]
    assert money_by_month(cast.users["mc_director"], periods) == []


def test_an_mc_that_declares_nothing_is_listed_with_nothing(cast: Cast) -> None:
    tk_lot(cast)
    (figures,) = money_by_month(cast.users["inspector"], months_until(DEC))
    assert (figures.company, figures.contributions, figures.revenue) == (cast.mc, 0, 0)


def test_the_window_is_twelve_months_up_to_the_month_asked(client: Client, cast: Cast) -> None:
    lot = tk_lot(cast)
    _revenue(lot, cast.users["mc_director"], 3_000_000_00, dt.date(2026, 11, 20))
    client.force_login(cast.users["inspector"])
    page = client.get("/billing/inspection/months/")
    assert page.status_code == 200
    (company,) = page.context["companies"]
    assert [r[0] for r in company["rows"]] == months_until(DEC)
    assert company["revenue"] == 3_000_000_00
    text = page.content.decode()
    assert len(charts(text)) == 2
    assert "3\u00a0000\u00a0000 so\u02bbm" in text  # the page is Uzbek
    earlier = client.get("/billing/inspection/months/?until=2026-10")
    assert earlier.context["periods"][-1] == OCT
    assert earlier.context["companies"][0]["revenue"] == 0
    assert client.get("/billing/inspection/months/?until=2026-13").status_code == 400


def test_the_page_keeps_its_queries_as_mcs_and_months_grow(
    client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    lot = tk_lot(cast)
    _accrue(cast, lot, NOV)
    client.force_login(cast.users["inspector"])
    with django_assert_max_num_queries(12) as first:
        client.get("/billing/inspection/months/")
    _accrue(cast, lot, OCT)
    for n in range(4):
        company = ManagementCompanyFactory.create()
        Lot.objects.create(
            code=f"UZ-TK-97{n}", region=cast.region, status=LotStatus.MANAGED, manager=company
        )
    _revenue(lot, cast.users["mc_director"], 1_00, OCT)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get("/billing/inspection/months/")
    assert len(response.context["companies"]) == 5


def _months_page(client: Client, cast: Cast, language: str) -> str:
    client.force_login(cast.users["inspector"])
    client.cookies["django_language"] = language
    page = client.get("/billing/inspection/months/")
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.parametrize(("language", "unit"), [("uz", "so\u02bbm"), ("ru", "сум"), ("en", "so'm")])
def test_the_money_axis_is_in_the_currency_of_the_pages_language(
    client: Client, cast: Cast, language: str, unit: str
) -> None:
    lot = tk_lot(cast)
    _revenue(lot, cast.users["mc_director"], 3_250_000_00, dt.date(2026, 11, 20))
    _revenue(lot, cast.users["mc_director"], 12_500_00, dt.date(2026, 10, 20))
    contributions, revenue = charts(_months_page(client, cast, language))
    assert texts(contributions, "axis-title") == [unit]  # nothing accrued: 0, 1, 2 so'm
    assert texts(contributions, "tick") == ["0", "1", "2"]
    # round ticks that cover the highest bar, counted in millions of the currency
    (heading,) = texts(revenue, "axis-title")
    assert heading.endswith(f" {unit}")
    assert heading != unit
    assert texts(revenue, "tick") == ["0", "1", "2", "3", "4"]
    # and each month's full figure in the chart's accessible name
    assert f"3\u00a0250\u00a0000 {unit}" in revenue.get("aria-label", "")
    assert f"12\u00a0500 {unit}" in revenue.get("aria-label", "")


def test_the_months_run_in_date_order_across_the_new_year(
    client: Client, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half an hour into 2027 in Tashkent (still 2026 in UTC), the window is February 2026
    to January 2027, in that order, and each bar's figure is the table's, to the tiyin."""
    moment = dt.datetime(2026, 12, 31, 19, 30, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    lot = tk_lot(cast)
    director = cast.users["mc_director"]
    _revenue(lot, director, 1_000_000_50, dt.date(2026, 12, 20))
    _revenue(lot, director, 250_000_00, dt.date(2027, 1, 1))
    html = _months_page(client, cast, "uz")
    _contributions, revenue = charts(html)
    assert texts(revenue, "month") == [f"{m:02d}" for m in (*range(2, 13), 1)]
    assert texts(revenue, "year") == ["2026", "2027"]
    bars = [title(g) for g in groups(revenue, "bar")]
    assert bars[0] == "Fevral 2026: 0 so\u02bbm"
    assert bars[-2] == "Dekabr 2026: 1\u00a0000\u00a0000,50 so\u02bbm"
    assert bars[-1] == "Yanvar 2027: 250\u00a0000 so\u02bbm"
    # the same figures in the table beside the chart
    assert "<td>12.2026</td><td>0 so\u02bbm</td><td>1\u00a0000\u00a0000,50 so\u02bbm</td>" in html
