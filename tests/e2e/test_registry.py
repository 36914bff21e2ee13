"""Browser flows of the registry: an owner's flat, the building page, the map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from tests.e2e.browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_owner_finds_their_flat_and_the_buildings_condition(
    live_server: Any, owner: User, browser_page: Any
) -> None:
    page = browser_page
    log_in(page, live_server.url, owner.email)
    card = page.locator("#apartments .apartment").first
    assert "12" in card.inner_text()
    card.locator("a").first.click()
    page.wait_for_load_state()
    assert page.locator("svg.chart").count() >= 2  # wear by element + consumption
    assert page.locator("text=Amir Temur").first.is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "building-page.png"), full_page=True)


def test_the_map_shows_points_without_tiles(live_server: Any, cast: Any, browser_page: Any) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/registry/map/?region=UZ-TK")
    page.wait_for_function("document.getElementById('map-count').textContent.length > 0")
    text = page.locator("#map-count").inner_text()
    assert int(text.split()[-1]) >= 2  # buildings A and B
    assert page.locator(".leaflet-tile").count() == 0  # no tile server configured
    page.select_option("select[name=region]", "UZ-SA")
    page.wait_for_function("document.getElementById('map-count').textContent.endsWith(' 1')")
