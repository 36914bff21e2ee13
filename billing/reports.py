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

Issue 11 adds the warning before the deadline (``warn_report_deadlines``) and the MC's
share of reports on time for its scorecard (``reports_on_time_percent``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Notification, Person, Role
from accounts.notifications import notify
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
from core.periods import month_next
from lots.models import Lot, LotStatus, LotStatusChange, ProgramItem
from organizations.models import Scorecard
from organizations.services import scorecard_reports_set

TASHKENT = ZoneInfo("Asia/Tashkent")

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
QUARTER_TEXT = _("quarter %(number)s of %(year)s")
MSG_DEADLINE_SUBJECT = _("Quarterly report due by %(deadline)s: lot %(lot)s")
MSG_DEADLINE_BODY = _(
    "The report on completed work of lot %(lot)s for %(quarter)s is not submitted yet. "
    "Submit it by %(deadline)s (Asia/Tashkent): without it the lot's accrual is suspended "
    "from %(month)s."
)


class ReportError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


# --- quarters ------------------------------------------------------------------------------


def quarter_of(day: dt.date) -> dt.date:
    """The first day of the quarter of ``day``."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(quarter: dt.date) -> dt.date:
    month = quarter.month + 3
    return dt.date(quarter.year + (month > 12), (month - 1) % 12 + 1, 1)


def previous_quarter(quarter: dt.date) -> dt.date:
    month = quarter.month - 3
    return dt.date(quarter.year - (month < 1), (month - 1) % 12 + 1, 1)


def is_quarter_start(day: dt.date) -> bool:
    return day.day == 1 and day.month in (1, 4, 7, 10)


def quarter_months(quarter: dt.date) -> list[dt.date]:
    first = quarter_of(quarter)
    second = month_next(first)
    return [first, second, month_next(second)]


def quarter_text(quarter: dt.date) -> str:
    return str(QUARTER_TEXT % {"number": (quarter.month - 1) // 3 + 1, "year": quarter.year})


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=TASHKENT)


def quarter_end_deadline(quarter: dt.date) -> dt.datetime:
    """The last moment a report of ``quarter`` is on time: the quarter's last day,
    23:59:59.999999 Asia/Tashkent, plus QUARTERLY_REPORT_GRACE_DAYS."""
    last_day = next_quarter(quarter_of(quarter)) - dt.timedelta(days=1)
    end = dt.datetime.combine(last_day, dt.time.max, tzinfo=TASHKENT)
    return end + dt.timedelta(days=settings.QUARTERLY_REPORT_GRACE_DAYS)


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
    channels = set(settings.NOTIFY_CHANNELS)
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
            told: dict[tuple[int, str], set[str]] = {}
            for person_id, key, channel in Notification.objects.filter(
                key__in=list(keys.values())
            ).values_list("person_id", "key", "channel"):
                told.setdefault((person_id, key), set()).add(channel)
            deadline = timezone.localtime(quarter_end_deadline(quarter), TASHKENT)
            for lot in due:
                key = keys[lot.pk]
                facts = {
                    "lot": lot.code,
                    "quarter": quarter_text(quarter),
                    "deadline": f"{deadline:%d.%m.%Y %H:%M}",
                    "month": f"{next_quarter(quarter):%m.%Y}",
                }
                made = 0
                for person_id in sorted(staff[lot.manager_id or 0]):
                    if channels <= told.get((person_id, key), set()):
                        continue
                    made += len(
                        notify(
                            person=people[person_id],
                            key=key,
                            subject=str(MSG_DEADLINE_SUBJECT % facts),
                            body=str(MSG_DEADLINE_BODY % facts),
                        )
                    )
                if made:
                    summary["lots"].append(lot.pk)
                    summary["notified"] += made
    return summary
