"""The lot page as people see it (issue "What people see", points 1–3): its buildings come
in pages of 25 (htmx swaps a page of the table alone; the links work without JavaScript),
its class badges name their class, and its numbers follow the page's language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.text import capfirst

from buildings.models import Building, Classification
from lots.models import Lot, LotBuilding
from lots.selectors import LOT_BUILDINGS_PER_PAGE
from mening_uyim.demo import Cast
from tests.lots.conftest import district

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lot-buildings"}


def _in(client: Client, language: str) -> Client:
    """Pages speak the language the visitor chose (the cookie), not the browser's."""
    client.cookies["django_language"] = language
    return client


def _lot(cast: Cast, town: Any, n: int, *, code: str = "UZ-TK-P01", flats: int = 20) -> Lot:
    buildings = town(district("UZ-TK", "Yunusobod tumani"), n, flats=flats)
    lot = Lot.objects.create(code=code, region=cast.region)
    LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in buildings])
    return lot


def _rows(html: str) -> list[str]:
    table = html.split('id="lot-buildings"', 1)[1]
    return re.findall(r'<tr><td><a href="/registry/buildings/(\d+)/"', table)


@pytest.fixture
def big_lot(cast: Cast, town: Any) -> Lot:
    lot = _lot(cast, town, 60)
    # a class mix: 61/28/15/3 in the issue; here 30 green, 20 yellow, 7 red, 3 unassessed
    ids = list(
        Building.objects.filter(lot_membership__lot=lot).order_by("id").values_list("pk", flat=True)
    )
    for klass, chunk in (
        (Classification.GREEN, ids[:30]),
        (Classification.YELLOW, ids[30:50]),
        (Classification.RED, ids[50:57]),
        (Classification.UNASSESSED, ids[57:]),
    ):
        Building.objects.filter(pk__in=chunk).update(classification=klass)
    return lot


def test_the_lots_buildings_come_in_pages(client: Client, cast: Cast, big_lot: Lot) -> None:
    client.force_login(cast.users["inspector"])
    url = f"/lots/{big_lot.pk}/"
    seen: list[str] = []
    for number, expected in ((1, 25), (2, 25), (3, 10)):
        response = client.get(url, {"page": number} if number > 1 else {})
        assert response.status_code == 200
        rows = _rows(response.content.decode())
        assert len(rows) == expected
        seen += rows
    assert len(set(seen)) == 60  # every building once
    assert LOT_BUILDINGS_PER_PAGE == 25


def test_the_pager_works_without_javascript(client: Client, cast: Cast, big_lot: Lot) -> None:
    client.force_login(cast.users["inspector"])
    with translation.override("en"):
        html = _in(client, "en").get(f"/lots/{big_lot.pk}/").content.decode()
    assert 'href="?page=2"' in html  # a plain link: the whole page, page 2
    assert "page 1 of 3" in html


def test_a_page_out_of_range_is_the_last_one(client: Client, cast: Cast, big_lot: Lot) -> None:
    client.force_login(cast.users["inspector"])
    for value in ("99", "abc", "-1", "9" * 30):
        response = client.get(f"/lots/{big_lot.pk}/", {"page": value})
        assert response.status_code == 200
        assert len(_rows(response.content.decode())) in (10, 25)


def test_htmx_fetches_a_page_of_the_table_alone(client: Client, cast: Cast, big_lot: Lot) -> None:
    client.force_login(cast.users["inspector"])
    response = client.get(f"/lots/{big_lot.pk}/", {"page": 2}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('id="lot-buildings"') == 1
    assert len(_rows(html)) == 25
    assert 'hx-boost="true"' in html  # its pager's links swap only the table
    assert 'hx-target="#lot-buildings"' in html


def test_the_figures_count_every_building_not_the_page(
    client: Client, cast: Cast, big_lot: Lot
) -> None:
    client.force_login(cast.users["inspector"])
    response = client.get(f"/lots/{big_lot.pk}/", {"page": 3})
    assert response.context["stats"]["buildings"] == 60
    assert len(response.context["points"]) == 60  # the map shows the whole lot


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_a_class_badge_names_its_class(
    client: Client, cast: Cast, big_lot: Lot, language: str
) -> None:
    client.force_login(cast.users["inspector"])
    html = _in(client, language).get(f"/lots/{big_lot.pk}/").content.decode()
    badges = re.search(r'id="lot-classes">(.*?)</dd>', html, re.S)
    assert badges is not None
    texts = re.findall(r'<span class="badge badge-(\w+)">([^<]*)</span>', badges[1])
    with translation.override(language):
        expected = [
            (value, f"{capfirst(str(label))}: {count}")
            for value, label, count in (
                ("green", Classification.GREEN.label, 30),
                ("yellow", Classification.YELLOW.label, 20),
                ("red", Classification.RED.label, 7),
                ("unassessed", Classification.UNASSESSED.label, 3),
            )
        ]
    assert texts == expected
    if language == "uz":
        assert texts[0] == ("green", "Yashil: 30")  # the example, in Uzbek


def test_no_badge_on_the_lot_page_is_colour_alone(client: Client, cast: Cast, big_lot: Lot) -> None:
    import datetime as dt

    from buildings.services import assessment_record
    from lots.program import program_generate
    from tests.buildings.conftest import wear

    for b in Building.objects.filter(lot_membership__lot=big_lot)[:3]:
        assessment_record(
            building=b, assessed_on=dt.date(2026, 1, 1), wear=wear(roof=72), emergency=True
        )
    program_generate(lot=big_lot)
    client.force_login(cast.users["inspector"])
    response = client.get(f"/lots/{big_lot.pk}/")
    assert response.context["program"], "the program lists items, each with its badge"
    assert any(item.urgent for item in response.context["program"])
    html = response.content.decode()
    for badge in re.findall(r'<span class="badge[^"]*"[^>]*>(.*?)</span>', html, re.S):
        text = re.sub(r"<[^>]+>|&nbsp;|\s", "", badge)
        assert text not in ("", "!"), badge


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_the_numbers_follow_the_pages_language(
    client: Client, cast: Cast, town: Any, language: str
) -> None:
    """Counts and areas grouped by a no-break space in every language, never by a comma
    (Django's uz and ru formats; the project's en format)."""
    lot = _lot(cast, town, 30, flats=41)  # 1 230 apartments, 61 500 m²
    Building.objects.filter(lot_membership__lot=lot).update(living_area_m2="2050.40")
    client.force_login(cast.users["inspector"])
    html = _in(client, language).get(f"/lots/{lot.pk}/").content.decode()
    figures = html.split('class="facts"', 1)[1].split("</dl>", 1)[0]
    assert f"<dd>1{NBSP}230</dd>" in figures
    assert f"<dd>61{NBSP}512&nbsp;m²</dd>" in figures  # 30 × 2 050,40 = 61 512
    assert not re.search(r"\d,\d{3}", figures)


def test_the_page_uses_no_python_grouping() -> None:
    """Templates and views of the lot and registry pages format numbers with Django's
    localised filters, never with f"{n:,}"."""
    from django.conf import settings

    paths = [
        "lots/views.py",
        "lots/selectors.py",
        "buildings/views.py",
        "buildings/selectors.py",
        "templates/lots/lot_detail.html",
        "templates/lots/_lot_buildings.html",
        "templates/lots/_lot_rows.html",
        "templates/buildings/_building_rows.html",
    ]
    for path in paths:
        text = (settings.BASE_DIR / path).read_text()
        assert ":,}" not in text, path
        assert "floatformat:0|intcomma" not in text, path


def test_the_lot_page_is_pinned_and_constant_as_the_lot_grows(
    client: Client, cast: Cast, town: Any
) -> None:
    small = _lot(cast, town, 3, code="UZ-TK-P02")
    big = _lot(cast, town, 80, code="UZ-TK-P03")
    client.force_login(cast.users["council"])

    def count(lot: Lot, **extra: Any) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/lots/{lot.pk}/", {"page": 2}, **extra).status_code == 200
        return len(ctx.captured_queries)

    count(
        small
    )  # the roles are cached across requests (accounts.permissions): count a warm request
    assert count(small) == count(big)
    assert count(small, **HTMX) == count(big, **HTMX)
    assert count(big, **HTMX) <= 6  # session, user, roles (2), the lot, its buildings
