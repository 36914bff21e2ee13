"""OneID in the browser (issue 15): a registry owner with no login yet signs in through
the embedded OneID stand-in, picking themselves from the registry on its consent page,
and lands on their home page with their apartment, on a phone-sized screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import Person
from tests.e2e.test_revenue import SHOTS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # the site's URLconf, with the stand-in mounted even if the environment turned it off
    pytest.mark.urls("tests.accounts.test_oneid_flow"),
]

PINFL = "42708910034567"


def test_a_registry_owner_signs_in_with_oneid_and_sees_the_apartment(
    live_server: Any, settings: Any, browser_page: Any, make_building: Callable[..., Any]
) -> None:
    from buildings.models import Apartment, Ownership

    settings.ONEID_FAKE = True
    settings.ONEID_CLIENT_ID = "demo"
    settings.ONEID_CLIENT_SECRET = "demo"
    settings.ONEID_BASE_URL = "/fake-oneid"  # `make run`'s: the stand-in on this site
    building = make_building(flats=4, address="Amir Temur ko'chasi 17")
    person = Person.objects.create(
        pinfl=PINFL, full_name="Shahnoza Ismoilova", phone="+998946667788"
    )
    flat = Apartment.objects.get(building=building, number="3")
    Ownership.objects.create(apartment=flat, person=person, since=dt.date(2019, 5, 1))

    page = browser_page
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.click("#oneid-button")
    page.wait_for_url("**/fake-oneid/sso/oauth/Authorization.do?**")
    page.click("#fake-oneid-people summary")
    page.click(f"#fake-oneid-people a[data-pin='{PINFL}']")
    page.wait_for_load_state()
    assert page.input_value("input[name=pin]") == PINFL
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "oneid-consent.png"), full_page=True)
    page.click("#fake-oneid-allow")
    page.wait_for_url(f"{base}/")
    apartments = page.locator("#apartments")
    assert apartments.count() == 1
    assert "Amir Temur ko'chasi 17" in apartments.inner_text()
    page.screenshot(path=str(SHOTS / "oneid-owner-home.png"), full_page=True)
    person.refresh_from_db()
    assert person.user is not None
    assert person.user.memberships.count() == 0
