"""Bills in the browser (issue 10, "Done when"): the owner opens "my bills", downloads a
receipt (a PDF) and opens the Pay link. Payme cannot be reached from here: the browser's
request to the checkout host is answered by a stub, and the test checks what it asked."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from billing.accrual import accrual_lot
from billing.ledger import apartment_balance
from billing.models import Tariff
from buildings.models import Apartment, Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import DEMO_A
from tests.billing.conftest import pay
from tests.e2e.browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _billed_flat(cast: Any) -> Apartment:
    """Flat 12 of building A charged for this month; half of last month's charge paid."""
    lot = Lot.objects.create(
        code="UZ-TK-970", region=cast.region, status=LotStatus.MANAGED, manager=cast.mc
    )
    LotBuilding.objects.create(lot=lot, building=Building.objects.get(cadastral_number=DEMO_A))
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    Tariff.objects.create(
        lot=lot,
        effective_from=dt.date(2020, 1, 1),
        tiyin_per_m2=150_000,
        set_by=cast.users["council"],
        set_by_role="council_member",
        set_at=timezone.now(),
    )
    for period in (last_month, this_month):
        accrual_lot(lot_id=lot.pk, period=period)
    flat = Apartment.objects.get(building__cadastral_number=DEMO_A, number="12")
    pay(flat, 2_000_000, timezone.make_aware(dt.datetime.combine(last_month, dt.time(12))))
    return flat


def test_an_owner_opens_my_bills_downloads_a_receipt_and_opens_the_pay_link(
    live_server: Any, cast: Any, browser_page: Any
) -> None:
    flat = _billed_flat(cast)
    page = browser_page
    base = live_server.url
    log_in(page, base, "owner@demo.uz")
    page.goto(f"{base}/billing/")
    page.click(f"a[href='/billing/apartments/{flat.pk}/'][role=button]")
    page.wait_for_url(f"{base}/billing/apartments/{flat.pk}/")
    period = timezone.localdate().replace(day=1).strftime("%Y-%m")
    link = page.locator(f"tr[data-period='{period}'] a.receipt")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.suggested_filename == f"receipt-{flat.account_number}-{period}.pdf"

    seen: list[str] = []

    def checkout(route: Any) -> None:
        seen.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Payme (stub)</h1>")

    page.route("https://checkout.paycom.uz/**", checkout)
    page.click("a[data-provider=payme]")
    page.wait_for_url("https://checkout.paycom.uz/**")
    assert len(seen) == 1
    params = dict(
        part.split("=", 1)
        for part in base64.b64decode(seen[0].rsplit("/", 1)[1]).decode().split(";")
    )
    assert params["m"] == "mening-uyim-demo"
    assert params["ac.account"] == flat.account_number
    assert params["l"] == "uz"
    assert params["c"] == f"{base}/billing/apartments/{flat.pk}/"
    debt = apartment_balance(flat.pk)  # two months' charges less the payment
    assert debt > 0
    assert int(params["a"]) == debt
    assert page.locator("h1").inner_text() == "Payme (stub)"
