"""Dispatch in the browser (issue 12, "Done when": an owner files a ticket, the dispatcher
assigns and resolves it, the owner then rates it), on a phone-sized screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dispatch.models import Status, Ticket
from tests.dispatch.world import building_a, flat_12, technician
from tests.e2e.browser import log_in
from tests.e2e.test_revenue import SHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_owner_files_the_dispatcher_resolves_the_owner_rates(
    live_server: Any, cast: Any, browser_page: Any, tmp_path: Path
) -> None:
    tech = technician(cast)
    page = browser_page
    base = live_server.url
    log_in(page, base, "owner@demo.uz")
    page.click("#dispatch-link")
    page.wait_for_load_state()
    page.select_option("#ticket-form select[name=building]", str(building_a().pk))
    page.select_option("#ticket-form select[name=apartment]", str(flat_12().pk))
    page.fill("#ticket-form textarea[name=text]", "Vannaxonada quvur yorildi, suv oqyapti")
    page.locator("#ticket-form button[type=submit]").click()
    page.wait_for_load_state()
    ticket = Ticket.objects.get()
    assert page.locator("#ticket").get_attribute("data-status") == "new"

    page.context.clear_cookies()
    log_in(page, base, "dispatcher@demo.uz")
    page.click("#queue-link")
    page.wait_for_load_state()
    row = page.locator(f"#queue-rows tr[data-ticket='{ticket.pk}']")
    assert row.count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dispatch-queue.png"), full_page=True)
    row.locator("a").first.click()
    page.wait_for_load_state()
    page.select_option("#assign-form select[name=technician]", str(tech.pk))
    page.locator("#assign-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#ticket").get_attribute("data-status") == "assigned"
    page.fill("#resolve-form textarea[name=text]", "Quvur almashtirildi")
    page.click("#resolve")
    page.wait_for_load_state()
    assert page.locator("#ticket").get_attribute("data-status") == "resolved"

    page.context.clear_cookies()
    log_in(page, base, "owner@demo.uz")
    page.goto(f"{base}/dispatch/tickets/{ticket.pk}/")
    page.select_option("#rate-form select[name=rating]", "4")
    page.locator("#rate-form button[type=submit]").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating) == (Status.CLOSED, 4)
    assert page.locator("#ticket-rating").inner_text().startswith("4")
    page.screenshot(path=str(SHOTS / "dispatch-ticket.png"), full_page=True)
