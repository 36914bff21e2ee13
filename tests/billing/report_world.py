"""Quarterly reports of the test world (tests.billing.revenue_world's lot UZ-TK-960,
managed by the personas' MC): this quarter's report, submitted with a done work and its
document, and the next version's draft; made through the services, once."""

from __future__ import annotations

from django.utils import timezone

from billing.models import QuarterlyReport, ReportStatus, ReportWork
from billing.reports import (
    quarter_of,
    report_draft,
    report_expense_set,
    report_submit,
    report_work_add,
)
from mening_uyim.demo import Cast
from tests.billing.revenue_world import pdf, tk_lot


def tk_submitted(c: Cast) -> QuarterlyReport:
    """This quarter's report of UZ-TK-960, version 1, submitted."""
    lot = tk_lot(c)
    quarter = quarter_of(timezone.localdate())
    found = QuarterlyReport.objects.filter(
        lot=lot, quarter=quarter, version=1, status=ReportStatus.SUBMITTED
    ).first()
    if found is not None:
        return found
    by = c.users["mc_director"]
    report = report_draft(lot=lot, quarter=quarter, by=by)
    report_expense_set(report=report, category="repairs", amount_tiyin=3_000_000_00, by=by)
    report_work_add(
        report=report,
        description="Tom taʼmiri",
        status="done",
        cost_tiyin=2_500_000_00,
        unplanned=True,
        document=pdf(),
        by=by,
    )
    return report_submit(report=report, by=by)


def tk_work(c: Cast) -> ReportWork:
    return tk_submitted(c).works.get()


def tk_draft(c: Cast) -> QuarterlyReport:
    """The draft of version 2 (a correction) of this quarter's report of UZ-TK-960."""
    submitted = tk_submitted(c)
    return report_draft(lot=submitted.lot, quarter=submitted.quarter, by=c.users["mc_director"])
