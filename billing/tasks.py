"""Billing's periodic and fanned-out work. Tasks load by id and call a service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from billing.accrual import accrual_lot_record, accrual_run_start
from billing.leases import lease_violations_flag
from billing.report_jobs import warn_report_deadlines
from billing.reports import enforce_quarterly_reports
from core.periods import month_start


@shared_task(name="billing.tasks.accrual_lot", acks_late=True)
def accrual_lot_task(run_id: int, lot_id: int, period: str) -> int:
    """One lot of a run; a retry is a no-op (one charge per apartment and month)."""
    result = accrual_lot_record(run_id=run_id, lot_id=lot_id, period=dt.date.fromisoformat(period))
    return result.charged


@shared_task(name="billing.tasks.accrual_monthly")
def accrual_monthly(at: str | None = None) -> int:
    """The beat task of the 1st of each month (Asia/Tashkent): the month of ``at`` (now,
    in Asia/Tashkent), one task per managed lot."""
    moment = dt.datetime.fromisoformat(at) if at else timezone.now()
    period = month_start(timezone.localdate(moment))
    run, lots = accrual_run_start(period=period, inline=False)
    for lot_id in lots:
        accrual_lot_task.delay(run.pk, lot_id, period.isoformat())
    return len(lots)


@shared_task(name="billing.tasks.lease_violations_daily")
def lease_violations_daily(today: str | None = None) -> int:
    """The daily beat task of the registration rule (billing.leases): contracts of common
    property unregistered past their deadline become violations, once each."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return len(lease_violations_flag(today=day))


@shared_task(name="billing.tasks.enforce_quarterly_reports")
def enforce_quarterly_reports_task(today: str | None = None) -> dict[str, object]:
    """The daily beat task of the suspension rule (billing.reports): lots whose quarterly
    report is missing past its deadline are suspended, once each; a re-run is a no-op."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return enforce_quarterly_reports(as_of=day)


@shared_task(name="billing.tasks.warn_report_deadlines")
def warn_report_deadlines_task(today: str | None = None) -> dict[str, object]:
    """The daily beat task of the warning before a report's deadline (billing.reports):
    the MC's director and accountant are told once per lot and quarter."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return warn_report_deadlines(today=day)


@shared_task(name="billing.tasks.payments_reconcile")
def payments_reconcile(day: str | None = None) -> int:
    """The nightly reconciliation (issue 10, point 7): the day before today (Asia/Tashkent)
    unless ``day``, one run per provider, through each provider's configured client; the
    number of differences flagged. A retry is a no-op (one run per provider and window)."""
    from billing.models import Provider
    from billing.payments.clients import client_for
    from billing.payments.reconciliation import day_window, reconciliation_run

    target = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
    start, end = day_window(target)
    flagged = 0
    for provider in Provider.values:
        run = reconciliation_run(
            provider=provider, start=start, end=end, client=client_for(provider)
        )
        flagged += run.flagged
    return flagged
