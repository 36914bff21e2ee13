"""A council member proposes and approves a lot in the browser."""

from __future__ import annotations

from typing import Any

import pytest

from buildings.models import Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import DEMO_A, DEMO_B
from tests.e2e.browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_council_proposes_and_approves_a_lot(
    live_server: Any, cast: Any, browser_page: Any, make_building: Any, settings: Any
) -> None:
    """A valid lot: the demo's buildings A and B plus enough Yunusobod buildings to reach
    LOT_MIN_APARTMENTS (the propose and approve steps re-check it against the rows)."""
    lot = Lot.objects.create(code="UZ-TK-501", region=cast.region)
    buildings = [Building.objects.get(cadastral_number=c) for c in (DEMO_A, DEMO_B)]
    missing = settings.LOT_MIN_APARTMENTS - sum(b.apartments.count() for b in buildings)
    while missing > 0:
        extra = make_building(flats=min(500, missing))
        Building.objects.filter(pk=extra.pk).update(district=cast.district)
        buildings.append(extra)
        missing -= extra.apartments_count
    for building in buildings:
        LotBuilding.objects.create(lot=lot, building=building)
    page = browser_page
    log_in(page, live_server.url, "council@demo.uz")  # with the MFA step (tests/e2e/browser.py)
    page.goto(f"{live_server.url}/lots/council/")
    page.click(f"text={lot.code}")
    page.wait_for_selector("#lot-map .leaflet-interactive, #lot-map canvas")
    page.locator(f"form[action='/lots/{lot.pk}/propose/'] button").click()
    page.wait_for_load_state()
    page.select_option("select[name=decision]", "approve")
    page.locator(f"form[action='/lots/{lot.pk}/decide/'] button").click()
    page.wait_for_load_state()
    lot.refresh_from_db()
    assert lot.status == LotStatus.APPROVED
    assert page.locator(".status-approved").first.is_visible()
