"""Quarterly reports and the suspension rule (DOMAIN.md "Quarterly reports and suspension of
accruals").

- The MC of a managed lot files a report for each quarter: works done, income (read from
  the ledger, never typed) and expenses. A submitted report is frozen; a correction is a
  new version.
- **Suspension rule**: a report of quarter Q not submitted by the last day of Q, 23:59:59
  Asia/Tashkent, plus ``QUARTERLY_REPORT_GRACE_DAYS``, suspends the lot's accrual from the
  first month after Q (``enforce_quarterly_reports``, daily and idempotent: one suspension
  per lot and quarter, a unique constraint).
- **Filing lifts it** for the months not yet accrued: ``ends_on`` becomes the 1st of the
  month after the latest month the accrual recorded for the lot (charged or skipped).
  Skipped months are never charged later (billing.accrual also refuses any month with a
  ``SuspendedMonth`` row).

Chosen where DOMAIN.md is silent:
- a lot owes the report of Q if it became managed before Q ended (its first change to
  ``managed`` in the lot's history; for a managed lot without such a history row, its
  creation);
- the rule is applied before every accrual run as well as daily (billing.accrual
  ``accrual_run_start``), so that on the 1st of the month after a quarter a lot whose
  report is missing is suspended before its month is charged;
- the report is on time when a version of it was submitted at or before the deadline
  (a later correction does not make it late);
- a suspension lifts when a report of its own quarter is submitted (any version); the
  lot stays suspended while another quarter's report is missing;
- a suspension lifted before any of its months was accrued ends where it starts (it
  covers no month) and stays recorded for the inspectors; but one whose quarter turns out
  to have a version submitted on time (a submission in flight while the job ran) and that
  covers no month is withdrawn (deleted): the rule never applied to it;
- the job locks each lot (one at a time, in id order) before it suspends it and checks
  again under the lock, as ``report_submit`` locks the lot before it submits: a report
  and a suspension of its quarter are never left open together.

The quarters and their deadline are billing.quarters; the warning before the deadline
and the MC's share of reports on time for its scorecard are billing.report_jobs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.permissions import roles_of
from billing.models import (
    MAX_TIYIN,
    AccountKind,
    AccrualLotResult,
    ExpenseCategory,
    LedgerEntry,
    LedgerTransaction,
    QuarterlyReport,
    ReportExpense,
    ReportStatus,
    ReportWork,
    RevenueKind,
    SuspendedMonth,
    Suspension,
    TransactionKind,
    WorkStatus,
)
from billing.policies import may_file_report
from billing.quarters import (
    TASHKENT,
    _day_start,
    is_quarter_start,
    next_quarter,
    previous_quarter,
    quarter_end_deadline,
    quarter_months,
    quarter_of,
    quarter_text,
)
from core.periods import month_next
from lots.models import Lot, LotStatus, LotStatusChange, ProgramItem

MSG_MAY_NOT_FILE = _(
    "Quarterly reports of a lot are filed by the director or the accountant of the "
    "management company that manages it."
)
MSG_NOT_A_QUARTER = _("A quarter starts on 1 January, 1 April, 1 July or 1 October.")
MSG_FUTURE_QUARTER = _("A report cannot be filed for a quarter that has not started yet.")
MSG_SUBMITTED = _("This report is submitted and can no longer be changed.")
MSG_AMOUNT_RANGE = _("The amount must be between 0 and %(max)s tiyin.")
MSG_BAD_CATEGORY = _("Unknown expense category.")
MSG_BAD_STATUS = _("Unknown status of work.")
MSG_ITEM_OR_UNPLANNED = _("A work is either an item of the lot's program or unplanned.")
MSG_ITEM_ELSEWHERE = _("This program item is not one of this lot's.")
MSG_NO_DESCRIPTION = _("Describe the work.")
MSG_DONE_NEEDS_DOCUMENT = _(
    "Done work needs its document or photo (an act of completed work, a photo)."
)
SUSPENSION_REASON = _(
    "The quarterly report for %(quarter)s was not filed by %(deadline)s (Asia/Tashkent)."
)


class ReportError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


# --- drafts --------------------------------------------------------------------------------


def _check_filer(*, lot: Lot, by: Any) -> None:
    if lot.status != LotStatus.MANAGED or not may_file_report(roles_of(by), lot):
        raise ReportError(MSG_MAY_NOT_FILE)


def _locked_draft(report: QuarterlyReport, by: Any) -> QuarterlyReport:
    """The report, locked, checked to be a draft that ``by`` may change."""
    locked = QuarterlyReport.objects.select_for_update().select_related("lot").get(pk=report.pk)
    _check_filer(lot=locked.lot, by=by)
    if locked.status != ReportStatus.DRAFT:
        raise ReportError(MSG_SUBMITTED)
    return locked


@transaction.atomic
def report_draft(
    *, lot: Lot, quarter: dt.date, by: Any, at: dt.datetime | None = None
) -> QuarterlyReport:
    """The draft of the lot's report of ``quarter``: the open one, or a new version (a
    correction of the last submitted one, version n + 1). Only the director or the
    accountant of the lot's MC; never for a quarter that has not started at ``at``."""
    at = at or timezone.now()
    if not is_quarter_start(quarter):
        raise ReportError(MSG_NOT_A_QUARTER)
    lot = Lot.objects.select_for_update().get(pk=lot.pk)  # one new version at a time
    _check_filer(lot=lot, by=by)
    if quarter > quarter_of(timezone.localtime(at, TASHKENT).date()):
        raise ReportError(MSG_FUTURE_QUARTER)
    latest = QuarterlyReport.objects.filter(lot=lot, quarter=quarter).order_by("-version").first()
    if latest is not None and latest.status == ReportStatus.DRAFT:
        return latest
    report = QuarterlyReport(
        lot=lot,
        quarter=quarter,
        version=latest.version + 1 if latest else 1,
        supersedes=latest,
        created_by=by,
        created_at=at,
    )
    report.full_clean()
    report.save()
    return report


def _check_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_TIYIN:
        raise ReportError(MSG_AMOUNT_RANGE % {"max": MAX_TIYIN})


def _clean(row: Any, **kwargs: Any) -> None:
    try:
        row.full_clean(**kwargs)
    except ValidationError as exc:
        raise ReportError(" ".join(exc.messages)) from None


@transaction.atomic
def report_expense_set(
    *, report: QuarterlyReport, category: str, amount_tiyin: int, by: Any
) -> ReportExpense:
    """The draft's expenses of one category (one row per category, replaced)."""
    report = _locked_draft(report, by)
    if category not in ExpenseCategory.values:
        raise ReportError(MSG_BAD_CATEGORY)
    _check_amount(amount_tiyin)
    expense = ReportExpense.objects.filter(report=report, category=category).first()
    if expense is None:
        expense = ReportExpense(report=report, category=category, amount_tiyin=amount_tiyin)
        _clean(expense)
        expense.save()
    else:
        expense.amount_tiyin = amount_tiyin
        _clean(expense, validate_unique=False)
        expense.save(update_fields=["amount_tiyin"])
    return expense


@transaction.atomic
def report_work_add(
    *,
    report: QuarterlyReport,
    description: str,
    status: str,
    cost_tiyin: int,
    by: Any,
    item: ProgramItem | None = None,
    unplanned: bool = False,
    document: Any = None,
) -> ReportWork:
    """A line of works of the draft: an item of the lot's five-year program, or unplanned,
    with a document or photo (a PDF, JPEG or PNG; required when the work is done)."""
    report = _locked_draft(report, by)
    if (item is None) != unplanned:
        raise ReportError(MSG_ITEM_OR_UNPLANNED)
    if item is not None and item.lot_id != report.lot_id:
        raise ReportError(MSG_ITEM_ELSEWHERE)
    if status not in WorkStatus.values:
        raise ReportError(MSG_BAD_STATUS)
    if not (description or "").strip():
        raise ReportError(MSG_NO_DESCRIPTION)
    _check_amount(cost_tiyin)
    if status == WorkStatus.DONE and not document:
        raise ReportError(MSG_DONE_NEEDS_DOCUMENT)
    work = ReportWork(
        report=report,
        item=item,
        unplanned=unplanned,
        description=description.strip(),
        status=status,
        cost_tiyin=cost_tiyin,
        document=document or "",
    )
    _clean(work)
    work.save()
    return work


# --- income, from the ledger ---------------------------------------------------------------


def report_income(*, lot: Lot, quarter: dt.date) -> dict[str, Any]:
    """The lot's income of the quarter, read from the ledger: contributions accrued (the
    charges of its accrual transactions of the quarter's three months), collected (payments
    credited to its apartments in the quarter, Asia/Tashkent, less their reversals),
    additional revenue by kind (the MC's revenue account credited, by date received) and
    the lease income among it."""
    quarter = quarter_of(quarter)
    months = quarter_months(quarter)
    start, end = _day_start(quarter), _day_start(next_quarter(quarter))
    accrued = LedgerEntry.objects.filter(
        kind="charge",
        transaction__kind=TransactionKind.ACCRUAL,
        transaction__lot_id=lot.pk,
        transaction__period__in=months,
    ).aggregate(total=Sum("amount_tiyin"))["total"]
    apartments = lot.members.values("building__apartments__id")
    payments = LedgerTransaction.objects.filter(kind=TransactionKind.PAYMENT)
    collected = LedgerEntry.objects.filter(
        Q(transaction__in=payments)
        | Q(transaction__kind=TransactionKind.REVERSAL, transaction__reverses__in=payments),
        apartment_id__in=apartments,
        transaction__at__gte=start,
        transaction__at__lt=end,
    ).aggregate(total=Sum("amount_tiyin"))["total"]
    by_kind = dict.fromkeys(RevenueKind.values, 0)
    rows = (
        LedgerEntry.objects.filter(
            account__kind=AccountKind.REVENUE,
            transaction__kind=TransactionKind.REVENUE,
            transaction__revenue__lot_id=lot.pk,
            transaction__revenue__received_on__gte=quarter,
            transaction__revenue__received_on__lt=next_quarter(quarter),
        )
        .values("transaction__revenue__kind")
        .annotate(total=Sum("amount_tiyin"))
    )
    for row in rows:
        by_kind[row["transaction__revenue__kind"]] = -int(row["total"])
    return {
        "quarter": quarter,
        "months": months,
        "accrued_tiyin": int(accrued or 0),
        "collected_tiyin": -int(collected or 0),
        "revenue_by_kind": by_kind,
        "revenue_tiyin": sum(by_kind.values()),
        "lease_tiyin": by_kind[RevenueKind.LEASE],
    }


INCOME_KEYS = ("accrued_tiyin", "collected_tiyin", "revenue_tiyin", "lease_tiyin")


def report_income_snapshot(*, lot: Lot, quarter: dt.date) -> dict[str, Any]:
    """The income figures of ``report_income`` as the report stores them when it is
    submitted (integers only, frozen with the report)."""
    income = report_income(lot=lot, quarter=quarter)
    return {key: income[key] for key in INCOME_KEYS} | {
        "revenue_by_kind": dict(income["revenue_by_kind"])
    }


def report_income_of(report: QuarterlyReport) -> dict[str, Any]:
    """What a report shows as its income: the figures frozen at submission, or for a
    draft the ledger's of the moment."""
    if report.income is not None:
        return report.income
    return report_income_snapshot(lot=report.lot, quarter=report.quarter)


def report_totals(report: QuarterlyReport) -> dict[str, Any]:
    """A report's totals: its income (``report_income_of``), its expenses and works, the
    balance of the quarter (collected contributions and additional revenue less the
    expenses) and the progress of the lot's five-year program.

    Chosen where DOMAIN.md is silent: a program item is done once a work line naming it
    is "done" in a submitted report of this quarter or an earlier one (or in this
    report); progress is the share of the program's items done and of its cost."""
    income = report_income_of(report)
    expenses = int(report.expenses.aggregate(t=Sum("amount_tiyin"))["t"] or 0)
    works = int(report.works.aggregate(t=Sum("cost_tiyin"))["t"] or 0)
    items = ProgramItem.objects.filter(lot_id=report.lot_id)
    done_ids = set(
        ReportWork.objects.filter(
            Q(report=report)
            | Q(report__status=ReportStatus.SUBMITTED, report__quarter__lte=report.quarter),
            report__lot_id=report.lot_id,
            item__isnull=False,
            status=WorkStatus.DONE,
        ).values_list("item_id", flat=True)
    )
    planned = items.aggregate(n=Count("pk"), t=Sum("cost_tiyin"))
    done = items.filter(pk__in=done_ids).aggregate(n=Count("pk"), t=Sum("cost_tiyin"))
    n_items, n_done = int(planned["n"] or 0), int(done["n"] or 0)
    return {
        "income": income,
        "expenses_tiyin": expenses,
        "works_tiyin": works,
        "balance_tiyin": income["collected_tiyin"] + income["revenue_tiyin"] - expenses,
        "program_items": n_items,
        "program_done": n_done,
        "program_percent": round(100 * n_done / n_items) if n_items else None,
        "program_tiyin": int(planned["t"] or 0),
        "program_done_tiyin": int(done["t"] or 0),
    }


# --- submission and suspension -------------------------------------------------------------


def first_unaccrued_month(lot_id: int) -> dt.date | None:
    """The 1st of the month after the latest month the accrual recorded for the lot
    (charged, or skipped as suspended); None when it recorded none."""
    latest = [
        LedgerTransaction.objects.filter(kind=TransactionKind.ACCRUAL, lot_id=lot_id).aggregate(
            m=Max("period")
        )["m"],
        SuspendedMonth.objects.filter(lot_id=lot_id).aggregate(m=Max("period"))["m"],
        AccrualLotResult.objects.filter(lot_id=lot_id).aggregate(m=Max("run__period"))["m"],
    ]
    months = [m for m in latest if m is not None]
    return month_next(max(months)) if months else None


def _lift_filed(lot_id: int, at: dt.datetime) -> tuple[int, int]:
    """Lift the lot's open suspensions whose quarter now has a submitted report: each ends
    at the first month not yet accrued (never on or before a skipped month). One whose
    quarter has a version submitted on time and that covers no month is withdrawn
    instead. Called with the lot locked. The numbers lifted and withdrawn."""
    filed = QuarterlyReport.objects.filter(lot_id=lot_id, status=ReportStatus.SUBMITTED)
    open_ones = list(
        Suspension.objects.select_for_update()
        .filter(
            lot_id=lot_id,
            report_quarter__isnull=False,
            lifted_at__isnull=True,
            ends_on__isnull=True,
            report_quarter__in=filed.values("quarter"),
        )
        .order_by("pk")
    )
    if not open_ones:
        return 0, 0
    on_time = {
        quarter
        for quarter, first in filed.values("quarter")
        .annotate(first=Min("submitted_at"))
        .order_by()
        .values_list("quarter", "first")
        if first <= quarter_end_deadline(quarter)
    }
    covering = set(
        SuspendedMonth.objects.filter(suspension__in=open_ones).values_list(
            "suspension_id", flat=True
        )
    )
    first_open = first_unaccrued_month(lot_id)
    lifted = withdrawn = 0
    for suspension in open_ones:
        if suspension.report_quarter in on_time and suspension.pk not in covering:
            suspension.delete()
            withdrawn += 1
            continue
        suspension.ends_on = max(suspension.starts_on, first_open or suspension.starts_on)
        suspension.lifted_at = at
        suspension.full_clean(validate_unique=False, validate_constraints=False)
        suspension.save(update_fields=["ends_on", "lifted_at"])
        lifted += 1
    return lifted, withdrawn


@transaction.atomic
def report_submit(
    *, report: QuarterlyReport, by: Any, at: dt.datetime | None = None
) -> QuarterlyReport:
    """Submit the draft: frozen from now on (Suspension rule, DOMAIN.md: filing the report
    lifts the suspension of its quarter for the months not yet accrued)."""
    at = at or timezone.now()
    Lot.objects.select_for_update().filter(pk=report.lot_id).get()  # as the accrual does
    report = _locked_draft(report, by)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = at
    report.submitted_by = by
    report.income = report_income_snapshot(lot=report.lot, quarter=report.quarter)
    report.full_clean(validate_unique=False)
    report.save(update_fields=["status", "submitted_at", "submitted_by", "income"])
    _lift_filed(report.lot_id, at)
    if report.lot.manager_id is not None:
        from billing.report_jobs import scorecards_reports_write  # it reads this module

        scorecards_reports_write(
            company_ids=[report.lot.manager_id], as_of=timezone.localtime(at, TASHKENT).date()
        )
    return report


def _owes(lot: Lot, quarter: dt.date, managed_since: dict[int, dt.datetime]) -> bool:
    """Whether the lot owes the report of ``quarter``: managed before the quarter ended
    (without a history row, the lot's creation is the earliest it can have been)."""
    since = managed_since.get(lot.pk, lot.created_at)
    return since < _day_start(next_quarter(quarter))


def _managed_history(ids: list[int]) -> tuple[dict[int, dt.datetime], dict[int, dt.datetime]]:
    """For each lot, its first and its latest change to ``managed`` (one query)."""
    first: dict[int, dt.datetime] = {}
    latest: dict[int, dt.datetime] = {}
    for lot_id, when in (
        LotStatusChange.objects.filter(lot_id__in=ids, to_status=LotStatus.MANAGED)
        .order_by("lot_id", "at", "pk")
        .values_list("lot_id", "at")
    ):
        first.setdefault(lot_id, when)
        latest[lot_id] = when
    return first, latest


def _due_quarter(as_of: dt.date) -> dt.date:
    """The latest quarter whose deadline passed before ``as_of`` began: the previous
    quarter, or the one before it while the grace days run."""
    day_start = _day_start(as_of)
    quarter = previous_quarter(quarter_of(as_of))
    while quarter_end_deadline(quarter) >= day_start:
        quarter = previous_quarter(quarter)
    return quarter


def _suspend_locked(
    *,
    lot_id: int,
    quarter: dt.date,
    managed_since: dict[int, dt.datetime],
    reason: str,
    at: dt.datetime,
) -> tuple[str, int]:
    """Suspend one lot for the missing report of ``quarter``, the lot locked (as
    ``report_submit`` locks it) and everything checked again under the lock: "suspended",
    "already" (a suspension of the quarter exists) or "skipped" (filed on time meanwhile,
    or no longer managed), and the number lifted: a report filed late lifts it at once."""
    with transaction.atomic():
        lot = (
            Lot.objects.select_for_update()
            .filter(pk=lot_id, status=LotStatus.MANAGED, manager__isnull=False)
            .first()
        )
        if lot is None or not _owes(lot, quarter, managed_since):
            return "skipped", 0
        if QuarterlyReport.objects.filter(
            lot_id=lot_id,
            quarter=quarter,
            status=ReportStatus.SUBMITTED,
            submitted_at__lte=quarter_end_deadline(quarter),
        ).exists():
            return "skipped", 0
        if Suspension.objects.filter(lot_id=lot_id, report_quarter=quarter).exists():
            return "already", 0
        try:
            with transaction.atomic():
                Suspension.objects.create(
                    lot=lot,
                    starts_on=next_quarter(quarter),
                    ends_on=None,
                    reason=reason,
                    report_quarter=quarter,
                    created_at=at,
                )
        except IntegrityError:  # made without the lot's lock (by hand, a migration)
            return "already", 0
        return "suspended", _lift_filed(lot_id, at)[0]


def enforce_quarterly_reports(*, as_of: dt.date, at: dt.datetime | None = None) -> dict[str, Any]:
    """Suspension rule, DOMAIN.md: every managed lot that owes the report of a quarter
    whose deadline passed before ``as_of`` and had none submitted by the deadline is
    suspended from the first month after that quarter, once (a re-run is a no-op: one
    suspension per lot and quarter). Suspensions whose report has since been filed are
    lifted. Each lot is locked, in id order and one at a time, before it is suspended or
    lifted. Then the scorecards' share of reports on time is brought up to date
    (``scorecards_reports_write``) for every company that manages a lot."""
    at = at or timezone.now()
    lots = list(Lot.objects.filter(status=LotStatus.MANAGED, manager__isnull=False).order_by("pk"))
    ids = [lot.pk for lot in lots]
    managed_since, managed_latest = _managed_history(ids)
    suspended: list[int] = []
    already = lifted = withdrawn = 0
    for quarter in [_due_quarter(as_of)]:
        deadline = quarter_end_deadline(quarter)
        # a first look without locks: most lots filed on time or are suspended already
        on_time = set(
            QuarterlyReport.objects.filter(
                lot_id__in=ids,
                quarter=quarter,
                status=ReportStatus.SUBMITTED,
                submitted_at__lte=deadline,
            ).values_list("lot_id", flat=True)
        )
        existing = set(
            Suspension.objects.filter(lot_id__in=ids, report_quarter=quarter).values_list(
                "lot_id", flat=True
            )
        )
        with translation.override(settings.LANGUAGE_CODE):
            # stored text: written in the default language
            reason = str(
                SUSPENSION_REASON
                % {
                    "quarter": quarter_text(quarter),
                    "deadline": f"{timezone.localtime(deadline, TASHKENT):%Y-%m-%d %H:%M}",
                }
            )
        for lot in lots:
            if lot.pk in on_time or not _owes(lot, quarter, managed_since):
                continue
            if lot.pk in existing:
                already += 1
                continue
            outcome, lifted_now = _suspend_locked(
                lot_id=lot.pk, quarter=quarter, managed_since=managed_since, reason=reason, at=at
            )
            lifted += lifted_now
            if outcome == "suspended":
                suspended.append(lot.pk)
            elif outcome == "already":
                already += 1
    for lot_id in (
        Suspension.objects.filter(
            lot_id__in=ids,
            report_quarter__isnull=False,
            lifted_at__isnull=True,
            ends_on__isnull=True,
        )
        .filter(
            Exists(
                QuarterlyReport.objects.filter(
                    lot_id=OuterRef("lot_id"),
                    quarter=OuterRef("report_quarter"),
                    status=ReportStatus.SUBMITTED,
                )
            )
        )
        .order_by("lot_id")
        .values_list("lot_id", flat=True)
        .distinct()
    ):
        with transaction.atomic():
            Lot.objects.select_for_update().filter(pk=lot_id).get()
            done = _lift_filed(lot_id, at)
            lifted += done[0]
            withdrawn += done[1]
    from billing.report_jobs import _on_time_percents, _scorecards_apply  # they read this module

    percents = _on_time_percents(lots, managed_latest, as_of)
    scorecards = _scorecards_apply(percents, everyone=True)
    return {
        "as_of": as_of.isoformat(),
        "checked_lots": len(lots),
        "suspended": suspended,
        "already_suspended": already,
        "lifted": lifted,
        "withdrawn": withdrawn,
        "scorecards_written": scorecards,
    }
