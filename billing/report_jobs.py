"""The jobs around quarterly reports (issue 11): the MC's share of reports on time on its
scorecard (``reports_on_time_percent``, written through organizations.services after
every submission and every run of the suspension job) and the warning to the MC's
director and accountant before a deadline (``warn_report_deadlines``, a daily beat task).
The rules they read (which quarters a lot owes, their deadline) are billing.reports'."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Min
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Notification, Person, Role
from accounts.notifications import lazy_format, notify
from billing.models import QuarterlyReport, ReportStatus
from billing.quarters import (
    TASHKENT,
    next_quarter,
    previous_quarter,
    quarter_end_deadline,
    quarter_of,
    quarter_text,
)
from billing.reports import _due_quarter, _managed_history, _owes
from lots.models import Lot, LotStatus
from organizations.models import Scorecard
from organizations.services import scorecard_reports_set

MSG_DEADLINE_SUBJECT = _("Quarterly report due by %(deadline)s: lot %(lot)s")
MSG_DEADLINE_BODY = _(
    "The report on completed work of lot %(lot)s for %(quarter)s is not submitted yet. "
    "Submit it by %(deadline)s (Asia/Tashkent): without it the lot's accrual is suspended "
    "from %(month)s."
)


# --- the scorecard: the share of reports on time -------------------------------------------


def _quarter_index(quarter: dt.date) -> int:
    return quarter.year * 4 + (quarter.month - 1) // 3


def _on_time_percents(
    lots: list[Lot], since: dict[int, dt.datetime], as_of: dt.date
) -> dict[int, int | None]:
    """``reports_on_time_percent`` of every company managing one of ``lots`` (managed,
    with their manager), ``since`` the start of each lot's management; one query."""
    due = _due_quarter(as_of)
    owed: dict[int, int] = {}
    first_owed: dict[int, dt.date] = {}
    company_of: dict[int, int] = {}
    for lot in lots:
        if lot.manager_id is None:
            continue
        start = quarter_of(timezone.localtime(since.get(lot.pk, lot.created_at), TASHKENT).date())
        count = max(0, _quarter_index(due) - _quarter_index(start) + 1)
        owed[lot.manager_id] = owed.get(lot.manager_id, 0) + count
        if count:
            first_owed[lot.pk] = start
            company_of[lot.pk] = lot.manager_id
    on_time = dict.fromkeys(owed, 0)
    rows = (
        QuarterlyReport.objects.filter(
            lot_id__in=list(first_owed), status=ReportStatus.SUBMITTED, quarter__lte=due
        )
        .values("lot_id", "quarter")
        .annotate(first=Min("submitted_at"))
        .order_by()
        .values_list("lot_id", "quarter", "first")
    )
    for lot_id, quarter, first in rows:
        if quarter >= first_owed[lot_id] and first <= quarter_end_deadline(quarter):
            on_time[company_of[lot_id]] += 1
    return {
        company: (200 * on_time[company] + n) // (2 * n) if n else None
        for company, n in owed.items()
    }


def reports_on_time_percent(company_id: int, as_of: dt.date) -> int | None:
    """The MC's scorecard figure (issue 11: "the share of reports filed on time"): over
    the lots the company manages now, each quarter whose deadline passed before
    ``as_of`` began and that the lot owed since the company began managing it, the
    percent (rounded half up) of those reports with a version submitted by the deadline;
    None when nothing was owed.

    Chosen where the issue is silent: the lots' manager history is not modelled, so the
    company's management of a lot starts at the lot's latest change to ``managed`` (a
    re-election that ends in ``managed`` appoints its MC anew), or without a history row
    at the lot's creation; a quarter is owed as for the suspension rule (managed before
    it ended); a report filed late counts as not on time for good."""
    lots = list(Lot.objects.filter(manager_id=company_id, status=LotStatus.MANAGED))
    _first, latest = _managed_history([lot.pk for lot in lots])
    return _on_time_percents(lots, latest, as_of).get(company_id)


def _scorecards_apply(percents: dict[int, int | None], *, everyone: bool = False) -> int:
    """Write the figures that changed (organizations.services); with ``everyone``, a
    company missing from ``percents`` (it manages no lot now) has nothing owed. The
    number of scorecards written."""
    stored = dict(
        Scorecard.objects.filter(company_id__in=list(percents)).values_list(
            "company_id", "reports_on_time_percent"
        )
    )
    changes = {c: p for c, p in percents.items() if stored.get(c) != p}
    if everyone:
        for company_id in (
            Scorecard.objects.filter(reports_on_time_percent__isnull=False)
            .exclude(company_id__in=list(percents))
            .values_list("company_id", flat=True)
        ):
            changes[company_id] = None
    for company_id in sorted(changes):
        scorecard_reports_set(company_id=company_id, percent=changes[company_id])
    return len(changes)


def scorecards_reports_write(*, company_ids: list[int], as_of: dt.date) -> int:
    """Bring the scorecards' ``reports_on_time_percent`` of these companies up to date
    (after a report is submitted; the daily job does every company)."""
    lots = list(
        Lot.objects.filter(manager_id__in=company_ids, status=LotStatus.MANAGED).order_by("pk")
    )
    _first, latest = _managed_history([lot.pk for lot in lots])
    percents: dict[int, int | None] = dict.fromkeys(company_ids)
    percents.update(_on_time_percents(lots, latest, as_of))
    return _scorecards_apply(percents)


# --- the warning before the deadline -------------------------------------------------------


def _warned_quarters(today: dt.date) -> list[dt.date]:
    """The quarters (started by ``today``) whose deadline, grace days included, is today
    or at most QUARTERLY_REPORT_WARNING_DAYS days ahead."""
    quarters: list[dt.date] = []
    quarter = quarter_of(today)
    while True:
        last_day = timezone.localtime(quarter_end_deadline(quarter), TASHKENT).date()
        if last_day < today:
            return quarters
        if (last_day - today).days <= settings.QUARTERLY_REPORT_WARNING_DAYS:
            quarters.append(quarter)
        quarter = previous_quarter(quarter)


def warn_report_deadlines(*, today: dt.date) -> dict[str, Any]:
    """Issue 11: "The MC ... gets a warning 14 days before a deadline through the
    notification interface". For every managed lot that owes the report of a quarter
    whose deadline (``quarter_end_deadline``, grace days included) is at most
    QUARTERLY_REPORT_WARNING_DAYS days after ``today`` and has no version of it submitted,
    the directors and accountants of its MC are told (accounts.notifications), once per
    person, lot and quarter (key ``report-deadline:<lot>:<quarter>``): a run each day of
    the window, or twice a day, sends nothing twice, and a run that missed the first day
    warns on the next. Nothing once the deadline has passed (the suspension rule then).

    Chosen where the issue is silent: a person has no language of their own here, so the
    message is written in the default language (as voting's notifications are)."""
    quarters = _warned_quarters(today)
    summary: dict[str, Any] = {
        "today": today.isoformat(),
        "quarters": [q.isoformat() for q in quarters],
        "lots": [],
        "notified": 0,
    }
    if not quarters:
        return summary
    lots = list(Lot.objects.filter(status=LotStatus.MANAGED, manager__isnull=False).order_by("pk"))
    managed_since, _latest = _managed_history([lot.pk for lot in lots])
    staff: dict[int, set[int]] = {}
    for company_id, person_id in (
        Membership.objects.active()
        .filter(
            role__in=[Role.MC_DIRECTOR, Role.MC_ACCOUNTANT],
            organization_id__in={lot.manager_id for lot in lots},
            user__is_active=True,
            user__person__isnull=False,
        )
        .values_list("organization_id", "user__person__id")
    ):
        staff.setdefault(company_id, set()).add(person_id)
    people = Person.objects.in_bulk({p for ps in staff.values() for p in ps})
    # A person is told on the channels they chose (accounts.notifications), in their
    # language; someone with a row for the lot and quarter was told: not asked again.
    with translation.override(settings.LANGUAGE_CODE):
        for quarter in quarters:
            filed = set(
                QuarterlyReport.objects.filter(
                    lot_id__in=[lot.pk for lot in lots],
                    quarter=quarter,
                    status=ReportStatus.SUBMITTED,
                ).values_list("lot_id", flat=True)
            )
            due = [
                lot
                for lot in lots
                if lot.pk not in filed
                and staff.get(lot.manager_id or 0)
                and _owes(lot, quarter, managed_since)
            ]
            keys = {lot.pk: f"report-deadline:{lot.pk}:{quarter.isoformat()}" for lot in due}
            told = set(
                Notification.objects.filter(key__in=list(keys.values())).values_list(
                    "person_id", "key"
                )
            )
            deadline = timezone.localtime(quarter_end_deadline(quarter), TASHKENT)
            for lot in due:
                key = keys[lot.pk]
                facts = {
                    "lot": lot.code,
                    "quarter": lazy(quarter_text, str)(quarter),  # in the reader's language
                    "deadline": f"{deadline:%d.%m.%Y %H:%M}",
                    "month": f"{next_quarter(quarter):%m.%Y}",
                }
                made = 0
                for person_id in sorted(staff[lot.manager_id or 0]):
                    if (person_id, key) in told:
                        continue
                    made += len(
                        notify(
                            person=people[person_id],
                            key=key,
                            subject=lazy_format(MSG_DEADLINE_SUBJECT, facts),
                            body=lazy_format(MSG_DEADLINE_BODY, facts),
                        )
                    )
                if made:
                    summary["lots"].append(lot.pk)
                    summary["notified"] += made
    return summary
