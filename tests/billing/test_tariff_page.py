"""The tariffs page of a lot (issue 10 point 1): its history and the form calling
billing.services.tariff_set, for the lot's councils and its region's inspectors only; the
lot page links to it for them alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from billing.models import Tariff
from billing.services import MSG_NOT_POSITIVE
from core.periods import month_next
from mening_uyim.demo import Cast
from tests.billing.conftest import Estate, tariff

pytestmark = pytest.mark.django_db


def _next_month() -> str:
    from django.utils import timezone

    return f"{month_next(timezone.localdate().replace(day=1)):%Y-%m}"


@pytest.mark.parametrize("key", ["council", "inspector"])
def test_a_council_or_inspector_sets_a_tariff_on_the_page(
    client: Client, cast: Cast, estate: Estate, key: str
) -> None:
    client.force_login(cast.users[key])
    url = f"/billing/lots/{estate.lot.pk}/tariffs/"
    response = client.post(
        url, {"som_per_m2": "1 650.50".replace(" ", ""), "effective_from": _next_month()}
    )
    assert response.status_code == 302
    made = Tariff.objects.get(lot=estate.lot)
    assert made.tiyin_per_m2 == 165_050
    assert made.set_by == cast.users[key]
    page = client.get(url)
    assert page.status_code == 200
    assert list(page.context["history"]) == [made]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"som_per_m2": "", "effective_from": "2027-01"}, "som_per_m2"),
        ({"som_per_m2": "-5", "effective_from": "2027-01"}, "som_per_m2"),
        ({"som_per_m2": "1.001", "effective_from": "2027-01"}, "som_per_m2"),
        ({"som_per_m2": "1500", "effective_from": "2027-13"}, "effective_from"),
        ({"som_per_m2": "1500", "effective_from": "январь"}, "effective_from"),
    ],
)
def test_bad_tariff_input_is_refused_and_nothing_is_written(
    client: Client, cast: Cast, estate: Estate, data: dict[str, str], field: str
) -> None:
    client.force_login(cast.users["council"])
    response = client.post(f"/billing/lots/{estate.lot.pk}/tariffs/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Tariff.objects.exists()


def test_a_tariff_into_a_charged_month_is_refused_with_the_services_reason(
    client: Client, cast: Cast, estate: Estate
) -> None:
    client.force_login(cast.users["council"])
    response = client.post(
        f"/billing/lots/{estate.lot.pk}/tariffs/",
        {"som_per_m2": "1500", "effective_from": "2020-01"},
    )
    assert response.status_code == 400
    assert "2020" not in str(Tariff.objects.values_list("effective_from", flat=True))
    assert response.context["form"].non_field_errors()
    assert str(MSG_NOT_POSITIVE) not in response.content.decode()


def test_the_tariff_history_is_listed_newest_first(
    client: Client, cast: Cast, estate: Estate
) -> None:
    old = tariff(estate, 120_000, start=dt.date(2026, 1, 1))
    new = tariff(estate, 150_000, start=dt.date(2026, 7, 1))
    client.force_login(cast.users["inspector"])
    response = client.get(f"/billing/lots/{estate.lot.pk}/tariffs/")
    assert list(response.context["history"]) == [new, old]


@pytest.mark.parametrize(
    ("key", "linked"),
    [("council", True), ("inspector", True), ("mc_director", False), ("mc_dispatcher", False)],
)
def test_the_lot_page_links_the_tariffs_only_for_who_may_set_them(
    client: Client, cast: Cast, estate: Estate, key: str, linked: bool, settings: Any
) -> None:
    client.force_login(cast.users[key])
    page = client.get(f"/lots/{estate.lot.pk}/")
    assert page.status_code == 200
    assert (f'href="/billing/lots/{estate.lot.pk}/tariffs/"' in page.content.decode()) is linked


def test_the_lot_page_shows_the_tariff_in_force_not_the_programs(
    client: Client, cast: Cast, estate: Estate
) -> None:
    """The lot page's tariff is the one in force this month (billing's history), with its
    start; the program's planning tariff is labelled as such."""
    client.force_login(cast.users["council"])
    url = f"/lots/{estate.lot.pk}/"
    before = client.get(url).content.decode()
    assert 'id="tariff-now"' in before
    tariff(estate, 123_400, start=dt.date(2026, 1, 1))
    tariff(estate, 999_900, start=dt.date(2099, 1, 1))  # not yet in force
    page = client.get(url).content.decode()
    now = page.split('id="tariff-now">', 1)[1].split("</dd>", 1)[0]
    assert "1\xa0234" in now
    assert "01.01.2026" in now
    assert "9\xa0999" not in now
