"""The first browser flow: an owner logs in and switches the language to Russian."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from tests.e2e.browser import LOGIN_BUTTON
from tests.personas import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_owner_logs_in_and_switches_to_russian(
    live_server: Any, owner: User, browser_page: Any
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "uz"
    page.fill("input[name=login]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator(LOGIN_BUTTON).click()  # the password form's (OneID's and SMS's are beside it)
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("#apartments").is_visible()
    assert page.locator("html").get_attribute("lang") == "uz"

    with page.expect_navigation():
        page.select_option("#lang-select", "ru")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", name="Мои квартиры").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "owner-home-ru.png"), full_page=True)

    # The choice sticks across pages.
    page.goto(f"{live_server.url}/me/profile/")
    assert page.locator("html").get_attribute("lang") == "ru"
