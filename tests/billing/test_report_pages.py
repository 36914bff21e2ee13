"""The quarterly report pages (issue 11): the MC's deadlines, a report filled in and
submitted through the forms, its PDF in Uzbek and Russian for the lot's owners, the lot
page's list. A refused form answers 400 with its message and writes nothing; anyone but
the lot's MC director or accountant gets 404 on every form, with nothing written.

The world (tests.billing.revenue_world): lot UZ-TK-960 of the demo buildings A and B,
managed by the personas' MC; the owner and co-owner own flat 12 of building A."""

from __future__ import annotations

import datetime as dt
import html
import shutil
import subprocess
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext

from billing.models import QuarterlyReport, ReportExpense, ReportStatus, ReportWork
from billing.models.reports import MAX_TIYIN
from billing.report_selectors import BadQuarter, quarter_parse, quarter_slug
from billing.reports import (
    MSG_AMOUNT_RANGE,
    MSG_DONE_NEEDS_DOCUMENT,
    MSG_FUTURE_QUARTER,
    MSG_SUBMITTED,
    quarter_of,
    report_draft,
    report_expense_set,
    report_submit,
)
from billing.revenue_forms import MSG_SOM_NEGATIVE
from core.money import format_som
from mening_uyim.demo import Cast
from tests.access import snapshot
from tests.billing.revenue_world import pdf, tk_lot

pytestmark = pytest.mark.django_db


def _quarter() -> dt.date:
    return quarter_of(timezone.localdate())


def _page(c: Cast) -> str:
    return f"/billing/lots/{tk_lot(c).pk}/reports/{quarter_slug(_quarter())}/"


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def submitted(c: Cast) -> QuarterlyReport:
    """The lot's report of this quarter, with one expense, submitted."""
    by = c.users["mc_director"]
    report = report_draft(lot=tk_lot(c), quarter=_quarter(), by=by)
    report_expense_set(report=report, category="repairs", amount_tiyin=3_000_000_00, by=by)
    return report_submit(report=report, by=by)


def test_quarters_in_urls() -> None:
    assert quarter_slug(dt.date(2026, 10, 1)) == "2026-Q4"
    assert quarter_parse("2026-q1") == dt.date(2026, 1, 1)
    for bad in ("2026-Q5", "2026-4", "26-Q1", "2026-Q"):
        with pytest.raises(BadQuarter):
            quarter_parse(bad)


def test_the_mc_fills_in_and_submits_a_report(client: Client, cast: Cast) -> None:
    tk_lot(cast)
    client.force_login(cast.users["mc_director"])
    deadlines = _text(client.get("/billing/reports/"))
    assert "UZ-TK-960" in deadlines
    assert 'data-state="due"' in deadlines
    assert client.post(_page(cast)).status_code == 302
    report = QuarterlyReport.objects.get(lot=tk_lot(cast))
    assert report.status == ReportStatus.DRAFT
    assert report.version == 1
    response = client.post(
        f"/billing/reports/{report.pk}/expenses/", {"repairs": "1 200 000", "salaries": "800 000"}
    )
    assert response.status_code == 303
    assert dict(ReportExpense.objects.values_list("category", "amount_tiyin")) == {
        "repairs": 1_200_000_00,
        "salaries": 800_000_00,
    }
    work = {"item": "unplanned", "description": "Tom taʼmiri", "status": "done", "cost": "900 000"}
    refused = client.post(f"/billing/reports/{report.pk}/works/", work)
    assert refused.status_code == 400
    assert str(MSG_DONE_NEEDS_DOCUMENT) in _text(refused)
    assert not ReportWork.objects.exists()
    added = client.post(f"/billing/reports/{report.pk}/works/", work | {"document": pdf()})
    assert added.status_code == 303
    line = ReportWork.objects.get()
    assert line.unplanned
    assert line.cost_tiyin == 900_000_00
    assert line.document
    download = client.get(f"/billing/reports/works/{line.pk}/document/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    page = _text(client.get(_page(cast)))
    assert format_som(2_000_000_00) in page  # the expenses' total
    assert client.post(f"/billing/reports/{report.pk}/submit/").status_code == 303
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.income is not None
    deadlines = _text(client.get("/billing/reports/"))
    assert 'data-state="on_time"' in deadlines


def test_a_submitted_report_refuses_every_form(client: Client, cast: Cast) -> None:
    report = submitted(cast)
    client.force_login(cast.users["mc_director"])
    before = snapshot()
    for path, data in (
        ("expenses", {"repairs": "1"}),
        ("works", {"item": "unplanned", "description": "x", "status": "planned", "cost": "1"}),
        ("submit", {}),
    ):
        response = client.post(f"/billing/reports/{report.pk}/{path}/", data)
        assert response.status_code == 400, path
        assert str(MSG_SUBMITTED) in _text(response)
    assert snapshot() == before
    # a correction is the next version; the submitted one stays
    assert client.post(_page(cast)).status_code == 302
    assert list(QuarterlyReport.objects.order_by("version").values_list("version", "status")) == [
        (1, "submitted"),
        (2, "draft"),
    ]


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-5", MSG_SOM_NEGATIVE), ("10 000 000 000 001", MSG_AMOUNT_RANGE % {"max": MAX_TIYIN})],
)
def test_expenses_out_of_range_are_refused(
    client: Client, cast: Cast, amount: str, message: Any
) -> None:
    report = report_draft(lot=tk_lot(cast), quarter=_quarter(), by=cast.users["mc_director"])
    client.force_login(cast.users["mc_director"])
    response = client.post(f"/billing/reports/{report.pk}/expenses/", {"repairs": amount})
    assert response.status_code == 400
    assert str(message) in _text(response)
    assert not ReportExpense.objects.exists()


def test_a_future_quarter_is_refused(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["mc_director"])
    future = quarter_of(_quarter() + dt.timedelta(days=100))
    response = client.post(f"/billing/lots/{tk_lot(cast).pk}/reports/{quarter_slug(future)}/")
    assert response.status_code == 400
    assert str(MSG_FUTURE_QUARTER) in _text(response)
    assert not QuarterlyReport.objects.exists()


@pytest.mark.parametrize(
    "key", ["owner", "co_owner", "neighbour", "mc_dispatcher", "council", "inspector"]
)
def test_who_reads_may_not_file(client: Client, cast: Cast, key: str) -> None:
    draft = report_draft(lot=tk_lot(cast), quarter=_quarter(), by=cast.users["mc_director"])
    client.force_login(cast.users[key])
    before = snapshot()
    assert client.post(_page(cast)).status_code == 404
    for path in ("expenses", "works", "submit"):
        assert (
            client.post(f"/billing/reports/{draft.pk}/{path}/", {"repairs": "1"}).status_code == 404
        )
    assert snapshot() == before
    # a draft is the MC's working material: the page shows no report yet
    page = _text(client.get(_page(cast)))
    assert gettext("No report has been filed for this quarter yet.") in page


def test_the_owner_opens_the_published_report_from_the_lot_page(client: Client, cast: Cast) -> None:
    report = submitted(cast)
    client.force_login(cast.users["owner"])
    lot_page = _text(client.get(f"/lots/{tk_lot(cast).pk}/"))
    assert f"/billing/reports/{report.pk}.pdf?lang=uz" in lot_page
    page = _text(client.get(_page(cast)))
    assert format_som(3_000_000_00) in page
    for lang in ("uz", "ru"):
        response = client.get(f"/billing/reports/{report.pk}.pdf?lang={lang}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Language"] == lang
        assert response.content.startswith(b"%PDF")
    assert client.get(f"/billing/reports/{report.pk}.pdf?lang=en").status_code == 400


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext (poppler-utils)")
@pytest.mark.parametrize(("lang", "words"), [("uz", "-chorak"), ("ru", "-й квартал")])
def test_the_pdf_is_in_the_readers_language(
    client: Client, cast: Cast, tmp_path: Any, lang: str, words: str
) -> None:
    report = submitted(cast)
    client.force_login(cast.users["owner"])
    path = tmp_path / "r.pdf"
    path.write_bytes(client.get(f"/billing/reports/{report.pk}.pdf?lang={lang}").content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    out = text.stdout.decode()
    assert words in out
    assert "UZ-TK-960" in out
    assert "3 000 000" in out


@pytest.mark.parametrize("key", ["outsider", "rival_mc", "other_council", "other_inspector"])
def test_outsiders_get_404(client: Client, cast: Cast, key: str) -> None:
    report = submitted(cast)
    client.force_login(cast.users[key])
    assert client.get(_page(cast)).status_code == 404
    assert client.get(f"/billing/reports/{report.pk}.pdf").status_code == 404
