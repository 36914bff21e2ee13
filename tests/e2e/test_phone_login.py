"""Sign-in with an SMS code in the browser (issue 15): the demo's registry-only owner, who
has no login, enters the number from the login page, reads the code (from the fake SMS
gateway's outbox), enters it and lands on the home page with their apartment."""

from __future__ import annotations

from typing import Any

import pytest

from mening_uyim.demo_signin import SIGNIN_PHONE, demo_signin_ensure
from territory.models import District, Region
from territory.reference import regions_ensure
from tests.accounts.fake_sms_gateway import FakeSmsGateway, sms_gateway  # noqa: F401
from tests.e2e.test_revenue import SHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_registry_owner_logs_in_with_an_sms_code_and_sees_their_flat(
    live_server: Any,
    browser_page: Any,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    if not Region.objects.exists():  # a transactional test flushed the migration's rows
        regions_ensure(Region, District)
    person = demo_signin_ensure(say=lambda _message: None)
    assert person.user_id is None
    address = person.ownerships.get().apartment.building.address
    page = browser_page
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{base}/accounts/login/")
    page.click("#phone-login-link a")
    page.wait_for_url(f"{base}/me/phone/")
    page.fill("#phone-form input[name=phone]", "90 100 00 99")  # as people type it
    page.locator("#phone-form button[type=submit]").click()
    page.wait_for_url(f"{base}/me/phone/code/")
    assert "***\u2011**\u201199" in page.locator("#phone-code header").inner_text()
    page.screenshot(path=str(SHOTS / "phone-login-code.png"), full_page=True)

    code = sms_gateway.code_for(SIGNIN_PHONE)
    page.fill("#code-form input[name=code]", f"{(int(code) + 1) % 1_000_000:06d}")
    page.locator("#code-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#code-form .errorlist").count() == 1  # a wrong code: try again
    page.fill("#code-form input[name=code]", code)
    page.locator("#code-form button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    apartments = page.locator("#apartments")
    assert address in apartments.inner_text()
    page.screenshot(path=str(SHOTS / "phone-login-home.png"), full_page=True)
    person.refresh_from_db()
    assert person.user is not None
    assert person.user.email is None
