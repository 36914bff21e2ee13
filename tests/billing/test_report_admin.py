"""Quarterly reports and suspensions in the inspection console (billing/report_admin.py):
every suspension (lot, quarter, from, lifted on) and every report, region by region, and
nothing writable by anyone: a submitted report cannot be edited through the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import timezone

from billing.models import QuarterlyReport, SuspendedMonth, Suspension
from billing.reports import enforce_quarterly_reports, report_draft, report_submit
from lots.models import Lot
from mening_uyim.demo import Cast
from tests.access import snapshot
from tests.billing import test_admin as billing_admin_test
from tests.billing.report_world import tk_submitted
from tests.billing.revenue_world import sa_lot, tk_lot
from tests.voting.admin_world import national_inspector

pytestmark = pytest.mark.django_db

MODELS = ("quarterlyreport", "suspension")


@pytest.fixture
def world(cast: Cast) -> dict[str, Any]:
    """Both lots managed since 2020 and suspended for the last quarter (no report), the
    Tashkent lot with this quarter's report submitted, the Samarkand one with its own."""
    national_inspector(cast)
    tk, sa = tk_lot(cast), sa_lot(cast)
    Lot.objects.filter(pk__in=[tk.pk, sa.pk]).update(created_at=timezone.now().replace(year=2020))
    enforce_quarterly_reports(as_of=timezone.localdate())
    report = tk_submitted(cast)
    rival = cast.users["rival_mc"]
    sa_draft = report_draft(lot=sa, quarter=report.quarter, by=rival)
    return {
        "quarterlyreport": (report, report_submit(report=sa_draft, by=rival)),
        "suspension": (Suspension.objects.get(lot=tk), Suspension.objects.get(lot=sa)),
    }


@pytest.mark.parametrize(
    ("key", "tashkent", "samarkand"),
    [
        ("inspector", True, False),
        ("other_inspector", False, True),
        ("national_inspector", True, True),
        ("admin", True, True),
    ],
)
def test_each_inspector_sees_the_rows_of_their_region(
    client: Client, cast: Cast, world: dict[str, Any], key: str, tashkent: bool, samarkand: bool
) -> None:
    client.force_login(cast.users[key])
    for model in MODELS:
        tk_row, sa_row = world[model]
        html = client.get(f"/admin/billing/{model}/").content.decode()
        change = f"/admin/billing/{model}/{{}}/change/"
        assert (change.format(tk_row.pk) in html) is tashkent, model
        assert (change.format(sa_row.pk) in html) is samarkand, model
        for row, seen in ((tk_row, tashkent), (sa_row, samarkand)):
            status = client.get(change.format(row.pk)).status_code
            assert status == (200 if seen else 404), (model, row.pk)


@pytest.mark.parametrize("key", ["owner", "mc_director", "council"])
def test_the_console_is_closed_to_others(client: Client, cast: Cast, key: str) -> None:
    client.force_login(cast.users[key])
    for model in MODELS:
        assert client.get(f"/admin/billing/{model}/").status_code in (302, 403)


def test_the_suspension_list_shows_lot_quarter_from_and_lifted(
    client: Client, cast: Cast, world: dict[str, Any]
) -> None:
    suspension = world["suspension"][0]
    client.force_login(cast.users["inspector"])
    html = client.get("/admin/billing/suspension/").content.decode()
    for field in ("starts_on", "ends_on", "lifted_at"):
        label = str(getattr(Suspension._meta.get_field(field), "verbose_name", field))
        assert f"column-{field}" in html, field
        assert label.lower() in html.lower(), label
    assert tk_lot(cast).code in html
    assert f"{suspension.starts_on:%Y}" in html
    assert SuspendedMonth.objects.count() == 0


def test_a_submitted_report_cannot_be_changed_or_deleted_in_the_console(
    client: Client, cast: Cast, world: dict[str, Any]
) -> None:
    report = world["quarterlyreport"][0]
    client.force_login(cast.users["admin"])
    before = snapshot()
    base = f"/admin/billing/quarterlyreport/{report.pk}"
    assert client.post(f"{base}/change/", {"version": "9", "status": "draft"}).status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"}
    client.post("/admin/billing/quarterlyreport/", bulk)
    assert snapshot() == before
    assert QuarterlyReport.objects.get(pk=report.pk).status == "submitted"


@pytest.mark.parametrize("model", MODELS)
def test_nothing_is_writable_even_for_the_administrator(cast: Cast, model: str) -> None:
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.model_name == model)
    billing_admin_test.test_nothing_is_writable_even_for_the_administrator(cast, model_admin)
