"""Browser flows of "What people see": the district options follow the region (htmx),
the registry search, the lot page's pager (htmx) and the map opening on the inspector's
region."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from buildings.models import Building
from lots.models import Lot, LotBuilding
from mening_uyim.demo import DEMO_A, Cast
from territory.models import District
from tests.e2e.browser import log_in

# A response having arrived is not htmx having swapped it in: every read of the page after
# a request goes through Playwright's retrying ``expect`` (or ``wait_for_function``).

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _district_values(page: Any) -> set[str]:
    return set(page.eval_on_selector_all("#district-select option", "os => os.map(o => o.value)"))


def _assert_districts(page: Any, want: set[str]) -> None:
    """The district options become ``want`` (waiting up to 10 s for the swap)."""
    # on a timeout, the assertion below says what the options are instead
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            """(want) => JSON.stringify([...document.querySelectorAll('#district-select option')]
                .map(o => o.value).sort()) === JSON.stringify(want)""",
            arg=sorted(want),
            timeout=10_000,
        )
    assert _district_values(page) == want


def test_the_district_options_follow_the_region(
    live_server: Any, cast: Cast, browser_page: Any
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/registry/buildings/")
    assert _district_values(page) == {""}  # "choose a region first"
    with page.expect_response(lambda r: "/registry/buildings/?" in r.url):
        page.select_option("select[name=region]", "UZ-SA")
    samarkand = {
        str(pk) for pk in District.objects.filter(region__code="UZ-SA").values_list("pk", flat=True)
    }
    _assert_districts(page, samarkand | {""})
    assert "region=UZ-SA" in page.url  # the rows' request, pushed to the history
    expect(page.locator("#rows tbody")).to_contain_text("Registon")
    # a district of the new region narrows the rows
    with page.expect_response(lambda r: "district=" in r.url):
        page.select_option(
            "#district-select",
            str(District.objects.get(region__code="UZ-SA", name="Samarqand shahri").pk),
        )
    expect(page.locator("#rows tbody")).to_contain_text("Registon")
    # back to Tashkent: the Samarkand district is dropped, not carried into the new region
    with page.expect_response(
        lambda r: "/registry/buildings/?" in r.url and "UZ-TK" in r.url
    ) as rows_response:
        page.select_option("select[name=region]", "UZ-TK")
    assert "district=&" in rows_response.value.url  # the rows waited for the new options
    assert page.locator(".message.warning").count() == 0
    expect(page.locator("#rows tbody")).to_contain_text("Amir Temur")


def test_the_search_finds_a_building_as_one_types(
    live_server: Any, cast: Cast, browser_page: Any
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/registry/buildings/")
    with page.expect_response(lambda r: "q=amir" in r.url.lower()):
        page.fill("input[name=q]", "amir temur")
    expect(page.locator("#rows tbody tr")).to_have_count(1)
    rows = page.locator("#rows tbody tr").all_inner_texts()
    assert len(rows) == 1
    assert "Amir Temur" in rows[0]
    with page.expect_response(lambda r: "q=demo" in r.url.lower()):
        page.fill("input[name=q]", "demo tk 000a")
    expect(page.locator("#rows tbody")).to_contain_text(DEMO_A)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "registry-search.png"), full_page=True)


def test_the_lot_pages_pager_swaps_only_the_table(
    live_server: Any, cast: Cast, make_building: Any, browser_page: Any
) -> None:
    lot = Lot.objects.create(code="UZ-TK-E2E", region=cast.region)
    for _ in range(30):
        b = make_building(flats=2)
        LotBuilding.objects.create(lot=lot, building=b)
    LotBuilding.objects.create(lot=lot, building=Building.objects.get(cadastral_number=DEMO_A))
    page = browser_page
    log_in(page, live_server.url, cast.users["inspector"].email)
    page.goto(f"{live_server.url}/lots/{lot.pk}/")
    assert page.locator("#lot-buildings tbody tr").count() == 25
    page.evaluate("window.__marker = 1")  # survives a swap, not a page load
    with page.expect_response(lambda r: "page=2" in r.url):
        page.locator("#lot-buildings .pager a").last.click()
    page.wait_for_function("document.querySelectorAll('#lot-buildings tbody tr').length === 6")
    assert page.evaluate("window.__marker") == 1
    assert "page=2" in page.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "lot-page.png"), full_page=True)


def test_the_map_opens_on_a_samarkand_inspectors_region(
    live_server: Any, cast: Cast, browser_page: Any
) -> None:
    page = browser_page
    log_in(page, live_server.url, cast.users["other_inspector"].email)
    page.goto(f"{live_server.url}/registry/map/")
    assert page.locator("select[name=region]").input_value() == "UZ-SA"
    page.wait_for_function("document.getElementById('map-count').textContent.length > 0")
    centre = page.evaluate("document.getElementById('map').leafletMap.getCenter()")
    assert 38.5 < centre["lat"] < 40.5  # Samarkand region, not Tashkent (41.3° N)
    assert 65.5 < centre["lng"] < 68.5
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "map-samarkand-inspector.png"), full_page=True)
    # the region's districts only, and a change of region reloads them before the points
    samarkand = {
        str(pk) for pk in District.objects.filter(region__code="UZ-SA").values_list("pk", flat=True)
    }
    _assert_districts(page, samarkand | {""})
    with page.expect_response(lambda r: "points.json" in r.url and "UZ-TK" in r.url):
        page.select_option("select[name=region]", "UZ-TK")
    tashkent = {
        str(pk) for pk in District.objects.filter(region__code="UZ-TK").values_list("pk", flat=True)
    }
    _assert_districts(page, tashkent | {""})


def test_the_map_opens_on_an_owners_building(
    live_server: Any, cast: Cast, browser_page: Any
) -> None:
    """The first load of the region's points keeps the owner's view on their building."""
    page = browser_page
    log_in(page, live_server.url, cast.users["owner"].email)
    page.goto(f"{live_server.url}/registry/map/")
    page.wait_for_function("document.getElementById('map-count').textContent.length > 0")
    a = Building.objects.get(cadastral_number=DEMO_A)
    centre = page.evaluate("document.getElementById('map').leafletMap.getCenter()")
    zoom = page.evaluate("document.getElementById('map').leafletMap.getZoom()")
    assert abs(centre["lat"] - a.lat) < 0.0005
    assert abs(centre["lng"] - a.lon) < 0.0005
    assert zoom == 16  # the building itself, not the region's points (they fit at most 15)
