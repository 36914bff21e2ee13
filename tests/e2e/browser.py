"""What the browser tests share: logging in through the real login form (and allauth's
MFA step for the officials, with a code computed from the demo's TOTP secret)."""

from __future__ import annotations

from typing import Any

from tests.personas import PASSWORD, TOTP_SECRET, totp_code

MFA_STEP = "/accounts/2fa/authenticate/"
# the password form's button (the page has others: OneID's, the SMS code's, the header's)
LOGIN_BUTTON = "main form[action='/accounts/login/'] button[type=submit]"


def log_in(page: Any, base: str, email: str | None, *, secret: str = TOTP_SECRET) -> None:
    """Log ``email`` in with the personas' password, answer the MFA step if the login
    has a second factor (the demo officials' TOTP ``secret``), and land on the home page."""
    assert email, "a login with an email"
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator(LOGIN_BUTTON).click()
    page.wait_for_load_state()
    # A code is refused the second time within its period (a login of the same persona
    # earlier in the test): the next period's code is accepted too.
    for step in (0, 1):
        if not page.url.startswith(f"{base}{MFA_STEP}"):
            break
        page.fill("input[name=code]", totp_code(secret, step=step))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    page.wait_for_url(f"{base}/")
