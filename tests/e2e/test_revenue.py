"""Additional revenue in the browser (issue 10, "Done when": "A second test has MC staff
record revenue"): the MC's director records an income with its document from the home
page's link, on a phone-sized screen; it shows in the list, with its ledger transaction,
and the ledger holds it."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from billing.ledger import ledger_check
from billing.models import AccountKind, AdditionalRevenue, LedgerAccount
from core.money import format_som
from tests.billing.revenue_world import PDF, tk_lot
from tests.e2e.browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_the_mc_director_records_revenue_with_a_document(
    live_server: Any, cast: Any, browser_page: Any, tmp_path: Path
) -> None:
    lot = tk_lot(cast)
    document = tmp_path / "dalolatnoma-2026-11.pdf"
    document.write_bytes(PDF)
    page = browser_page
    log_in(page, live_server.url, "director@demo.uz")
    page.click("#company a[href='/billing/revenue/']")
    page.wait_for_load_state()
    page.select_option("select[name=lot]", str(lot.pk))
    page.select_option("select[name=kind]", "light_structure")
    page.fill("input[name=counterparty]", "«Tez Savdo» YaTT")
    page.fill("input[name=counterparty_tin]", "30304750010055")
    page.fill("input[name=amount]", "1 250 000,50")
    page.fill("input[name=received_on]", f"{timezone.localdate():%Y-%m-%d}")
    page.set_input_files("input[name=document]", str(document))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_load_state()

    revenue = AdditionalRevenue.objects.get()
    assert (revenue.amount_tiyin, revenue.company, revenue.recorded_by) == (
        1_250_000_50,
        cast.mc,
        cast.users["mc_director"],
    )
    row = page.locator("#revenue tbody tr").first
    text = row.inner_text()
    assert "«Tez Savdo» YaTT" in text
    assert html.unescape(format_som(1_250_000_50)).replace("\u00a0", " ") in text.replace(
        "\u00a0", " "
    )
    assert f"#{revenue.transaction_id}" in text
    assert page.locator(f"text=#{revenue.transaction_id}").first.is_visible()
    assert format_som(1_250_000_50) in page.locator("#ledger-total").inner_text()
    # the ledger: one balanced transaction, the MC's revenue account credited
    income = LedgerAccount.objects.get(kind=AccountKind.REVENUE, company=cast.mc)
    assert income.balance_tiyin == -1_250_000_50
    assert ledger_check()["unbalanced"] == 0
    with page.expect_download() as download:
        row.locator("a[href$='/document/']").click()
    assert Path(download.value.path()).read_bytes() == PDF
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "revenue-list.png"), full_page=True)


def test_a_bad_amount_is_shown_on_the_form_and_nothing_is_recorded(
    live_server: Any, cast: Any, browser_page: Any, tmp_path: Path
) -> None:
    tk_lot(cast)
    document = tmp_path / "akt.pdf"
    document.write_bytes(PDF)
    page = browser_page
    log_in(page, live_server.url, "dispatcher@demo.uz")
    page.goto(f"{live_server.url}/billing/revenue/")
    page.fill("input[name=counterparty]", "Reklama")
    page.fill("input[name=amount]", "1,250,000")
    page.fill("input[name=received_on]", f"{timezone.localdate():%Y-%m-%d}")
    page.set_input_files("input[name=document]", str(document))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").first.is_visible()
    assert not AdditionalRevenue.objects.exists()
