"""Quarterly reports in the browser (issue 11, "Done when": "A Playwright test in real
Chromium has MC staff fill in and submit a report, and an owner then open its PDF"): the
MC's director follows the home page's link to the deadlines, opens this quarter's report,
enters expenses and a done work with its act, submits; the owner of flat 12 opens the
lot page and its PDF, in Uzbek."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from billing.models import QuarterlyReport, ReportStatus
from tests.billing.revenue_world import PDF, tk_lot
from tests.e2e.browser import log_in
from tests.e2e.test_revenue import SHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _logout(page: Any, base: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/")


def test_the_mc_files_a_report_and_the_owner_opens_its_pdf(
    live_server: Any, cast: Any, browser_page: Any, tmp_path: Path
) -> None:
    lot = tk_lot(cast)
    act = tmp_path / "dalolatnoma.pdf"
    act.write_bytes(PDF)
    page = browser_page
    base = live_server.url
    log_in(page, base, "director@demo.uz")
    page.click("#reports-link")
    page.wait_for_load_state()
    row = page.locator(f"#report-deadlines tr[data-lot='{lot.pk}']").first
    assert row.get_attribute("data-state") == "due"
    row.locator("a").click()
    page.wait_for_load_state()
    page.click("#report-start")
    page.wait_for_load_state()
    page.fill("#expenses-form input[name=repairs]", "2 400 000")
    page.fill("#expenses-form input[name=salaries]", "1 100 000")
    page.locator("#expenses-form button[type=submit]").click()
    page.wait_for_load_state()
    page.select_option("#work-form select[name=item]", "unplanned")
    page.fill("#work-form input[name=description]", "Tom taʼmiri: 120 m² qoplama almashtirildi")
    page.select_option("#work-form select[name=status]", "done")
    page.fill("#work-form input[name=cost]", "1 900 000")
    page.set_input_files("#work-form input[name=document]", str(act))
    page.locator("#work-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#report-works tbody tr").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report-draft.png"), full_page=True)
    page.click("#report-submit")
    page.wait_for_load_state()
    report = QuarterlyReport.objects.get(lot=lot)
    assert report.status == ReportStatus.SUBMITTED
    assert report.income is not None
    assert page.locator("#report").get_attribute("data-status") == "submitted"
    assert page.locator("#expenses-form").count() == 0  # frozen: no form any more

    _logout(page, base)
    log_in(page, base, "owner@demo.uz")
    page.goto(f"{base}/lots/{lot.pk}/")
    link = page.locator(f"#lot-reports a[href='/billing/reports/{report.pk}.pdf?lang=uz']")
    assert link.is_visible()
    response = page.request.get(f"{base}/billing/reports/{report.pk}.pdf?lang=uz")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    (SHOTS / "report.pdf").write_bytes(response.body())
    page.locator("#lot-reports li a").first.click()
    page.wait_for_load_state()
    assert page.locator("#report").get_attribute("data-status") == "submitted"
    page.screenshot(path=str(SHOTS / "report-owner.png"), full_page=True)
