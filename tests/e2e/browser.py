"""What the browser tests share: logging in through the real login form."""

from __future__ import annotations

from typing import Any

from tests.personas import PASSWORD


def log_in(page: Any, base: str, email: str | None) -> None:
    """Log ``email`` in with the personas' password, and land on the home page."""
    assert email, "a login with an email"
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/")
