"""`seed_demo`'s quarterly reports (mening_uyim.demo_reports; issue 11, point 7): the
personas' lot has a submitted report, on time, with its PDF on the lot page; the lot of
building C is suspended (its report of the last quarter missing), and its owner, the
Samarkand inspector and its MC see it; a second run writes nothing."""

from __future__ import annotations

import html
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from billing.models import QuarterlyReport, SuspendedMonth, Suspension
from billing.reports import previous_quarter, quarter_end_deadline, quarter_of
from buildings.models import Apartment, Building
from lots.models import Lot, LotBuilding, LotStatus
from lots.program import program_generate
from mening_uyim.demo import DEMO_C, Cast
from mening_uyim.demo_reports import report_quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def lot_of_c(demo_world: tuple[Lot, Lot], cast: Cast, settings: Any) -> Lot:
    settings.LOT_MIN_APARTMENTS = 10
    lot = Lot.objects.create(code="UZ-SA-001", region=cast.other_region)
    LotBuilding.objects.create(lot=lot, building=Building.objects.get(cadastral_number=DEMO_C))
    program_generate(lot=lot)
    return lot


def _seed() -> str:
    err = StringIO()
    call_command("seed_demo", "--json", stdout=StringIO(), stderr=err)
    return err.getvalue()


def _page(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def test_seed_demo_gives_a_submitted_report_and_a_suspended_lot_once(
    cast: Cast, demo_world: tuple[Lot, Lot], lot_of_c: Lot
) -> None:
    lot, _second = demo_world
    said = _seed()
    assert "no demo report" not in said
    assert "no suspended demo lot" not in said
    counts = (QuarterlyReport.objects.count(), Suspension.objects.count())
    assert _seed() == ""
    assert (QuarterlyReport.objects.count(), Suspension.objects.count()) == counts

    # the personas' lot: one submitted report of the quarter the demo charged, on time
    report = QuarterlyReport.objects.get(lot=lot)
    assert report.quarter == report_quarter()
    assert report.status == "submitted"
    assert report.submitted_at is not None
    assert report.submitted_at <= quarter_end_deadline(report.quarter)
    assert report.income is not None
    assert report.income["accrued_tiyin"] > 0
    assert report.works.filter(status="done").exclude(document="").exists()
    assert not Suspension.objects.filter(lot=lot).exists()
    lot_page = _page(cast.users["owner"], f"/lots/{lot.pk}/")
    assert f"/billing/reports/{report.pk}.pdf?lang=uz" in lot_page
    client = Client()
    client.force_login(cast.users["owner"])
    assert client.get(f"/billing/reports/{report.pk}.pdf").content.startswith(b"%PDF")

    # the lot of building C: managed by the rival MC since the last quarter, suspended
    lot_of_c.refresh_from_db()
    assert lot_of_c.status == LotStatus.MANAGED
    assert lot_of_c.manager == cast.rival_mc
    suspension = Suspension.objects.get(lot=lot_of_c)
    assert suspension.report_quarter == previous_quarter(quarter_of(timezone.localdate()))
    assert suspension.ends_on is None
    assert SuspendedMonth.objects.filter(lot=lot_of_c).exists()
    flat = Apartment.objects.get(building__cadastral_number=DEMO_C, number="3")
    bills = _page(cast.users["outsider"], f"/billing/apartments/{flat.pk}/")
    assert suspension.reason in bills
    console = _page(cast.users["other_inspector"], "/admin/billing/suspension/")
    assert lot_of_c.code in console
    deadlines = _page(cast.users["rival_mc"], "/billing/reports/")
    assert 'data-state="overdue"' in deadlines
