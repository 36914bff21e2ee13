"""Reads of quarterly reports and suspensions, each scoped by the login through
billing.policies (an outsider gets 404, not 403). The pages and the API use these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.permissions import roles_of
from billing import policies
from billing.models import QuarterlyReport, ReportStatus, ReportWork, Suspension
from billing.reports import (
    TASHKENT,
    previous_quarter,
    quarter_end_deadline,
    quarter_of,
    quarter_text,
)
from lots.models import Lot, LotStatus


def reports_visible_to(user: Any) -> QuerySet[QuarterlyReport]:
    return (
        QuarterlyReport.objects.filter(policies.report_view_q(roles_of(user)))
        .select_related("lot", "created_by", "submitted_by")
        .order_by("lot__code", "-quarter", "-version")
    )


def report_for(user: Any, pk: int) -> QuarterlyReport:
    return get_object_or_404(reports_visible_to(user), pk=pk)


def report_work_for(user: Any, pk: int) -> ReportWork:
    """A work line of a report the login reads."""
    return get_object_or_404(
        ReportWork.objects.filter(report__in=reports_visible_to(user)).select_related("report"),
        pk=pk,
    )


def filable_lots(user: Any) -> QuerySet[Lot]:
    """Lots whose reports the login files: the director or accountant of their MC."""
    return Lot.objects.filter(policies.report_q(roles_of(user)), status=LotStatus.MANAGED)


def report_lot_for(user: Any, pk: int) -> Lot:
    """A lot whose reports the login reads (404 otherwise)."""
    return get_object_or_404(Lot.objects.filter(policies.report_lots_q(roles_of(user))), pk=pk)


def published_reports(user: Any, lot: Lot, limit: int = 8) -> list[QuarterlyReport]:
    """The lot's submitted reports the login reads: the latest version of each quarter,
    newest quarter first (one query)."""
    latest: dict[dt.date, QuarterlyReport] = {}
    for report in (
        QuarterlyReport.objects.filter(policies.report_view_q(roles_of(user)))
        .filter(lot=lot, status=ReportStatus.SUBMITTED)
        .order_by("-quarter", "-version")[: limit * 4]
    ):
        latest.setdefault(report.quarter, report)
    return list(latest.values())[:limit]


def quarter_versions(user: Any, lot: Lot, quarter: dt.date) -> list[QuarterlyReport]:
    """The versions of the lot's report of ``quarter`` the login reads, newest first."""
    return list(reports_visible_to(user).filter(lot=lot, quarter=quarter))


@dataclass
class QuarterStatus:
    """Where a lot stands for one quarter: its deadline, its latest version (the latest
    submitted one, or the draft), whether a version was submitted by the deadline."""

    lot: Lot
    quarter: dt.date
    deadline: dt.datetime
    latest: QuarterlyReport | None
    submitted: QuarterlyReport | None
    on_time: bool
    overdue: bool
    days_left: int | None
    suspension: Suspension | None

    @property
    def name(self) -> str:
        return quarter_text(self.quarter)

    @property
    def slug(self) -> str:
        return quarter_slug(self.quarter)

    @property
    def state(self) -> str:
        """``on_time``, ``late`` (submitted after the deadline), ``overdue`` (none yet,
        deadline passed), ``draft`` or ``due`` (nothing submitted, deadline ahead)."""
        if self.submitted is not None:
            return "on_time" if self.on_time else "late"
        if self.overdue:
            return "overdue"
        return "draft" if self.latest is not None else "due"


def lot_quarters(
    lots: list[Lot], *, today: dt.date | None = None, count: int = 2
) -> list[QuarterStatus]:
    """Per lot, the current quarter and the ``count - 1`` before it: deadline, report,
    suspension (set-based: three queries whatever the number of lots)."""
    now = timezone.now()
    today = today or timezone.localdate()
    quarters = [quarter_of(today)]
    while len(quarters) < count:
        quarters.append(previous_quarter(quarters[-1]))
    ids = [lot.pk for lot in lots]
    reports: dict[tuple[int, dt.date], list[QuarterlyReport]] = {}
    for report in QuarterlyReport.objects.filter(lot_id__in=ids, quarter__in=quarters).order_by(
        "lot_id", "quarter", "-version"
    ):
        reports.setdefault((report.lot_id, report.quarter), []).append(report)
    suspensions = {
        (s.lot_id, s.report_quarter): s
        for s in Suspension.objects.filter(lot_id__in=ids, report_quarter__in=quarters)
    }
    rows = []
    for lot in lots:
        for quarter in quarters:
            deadline = quarter_end_deadline(quarter)
            versions = reports.get((lot.pk, quarter), [])
            submitted = [r for r in versions if r.status == ReportStatus.SUBMITTED]
            first = min((r.submitted_at for r in submitted if r.submitted_at), default=None)
            left = (timezone.localtime(deadline, TASHKENT).date() - today).days
            rows.append(
                QuarterStatus(
                    lot=lot,
                    quarter=quarter,
                    deadline=deadline,
                    latest=versions[0] if versions else None,
                    submitted=submitted[0] if submitted else None,
                    on_time=first is not None and first <= deadline,
                    overdue=now > deadline,
                    days_left=left if now <= deadline else None,
                    suspension=suspensions.get((lot.pk, quarter)),
                )
            )
    return rows


def deadline_lots(user: Any) -> QuerySet[Lot]:
    """Managed lots on the login's deadlines page: those whose money it sees (its MC's,
    its council's, its region's)."""
    return (
        Lot.objects.filter(policies.lot_money_q(roles_of(user)), status=LotStatus.MANAGED)
        .select_related("manager")
        .order_by("code")
    )


def open_suspensions(lots: list[Lot]) -> QuerySet[Suspension]:
    return (
        Suspension.objects.filter(lot__in=[lot.pk for lot in lots], ends_on__isnull=True)
        .select_related("lot")
        .order_by("lot__code", "-starts_on")
    )


def suspensions_of(lot: Lot) -> QuerySet[Suspension]:
    return Suspension.objects.filter(lot=lot).order_by("-starts_on", "-pk")


class BadQuarter(ValueError):
    pass


def quarter_slug(quarter: dt.date) -> str:
    """A quarter in a URL: ``2026-Q4``."""
    return f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"


def quarter_parse(text: str) -> dt.date:
    """``2026-Q4`` → 1 October 2026 (BadQuarter otherwise)."""
    year, sep, number = text.upper().partition("-Q")
    if not sep or not year.isdigit() or len(year) != 4 or number not in {"1", "2", "3", "4"}:
        raise BadQuarter(text)
    return dt.date(int(year), 3 * (int(number) - 1) + 1, 1)
