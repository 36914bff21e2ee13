"""Quarterly reports and the suspension rule (DOMAIN.md "Quarterly reports and suspension of
accruals"), at each boundary of the deadline.

The services take the moment (``at``) and the day (``as_of``) they act at, so every
boundary is pinned by passing it, never by waiting.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from billing.accrual import accrual_lot
from billing.models import (
    LedgerEntry,
    QuarterlyReport,
    ReportExpense,
    ReportImmutable,
    SuspendedMonth,
    Suspension,
)
from billing.reports import (
    MSG_AMOUNT_RANGE,
    MSG_FUTURE_QUARTER,
    MSG_MAY_NOT_FILE,
    MSG_NOT_A_QUARTER,
    MSG_SUBMITTED,
    TASHKENT,
    ReportError,
    enforce_quarterly_reports,
    next_quarter,
    quarter_end_deadline,
    quarter_of,
    report_draft,
    report_expense_set,
    report_income,
    report_submit,
    report_work_add,
)
from lots.models import LotStatus, LotStatusChange
from tests.billing.conftest import Estate, pay, tariff

Q3 = dt.date(2026, 7, 1)
Q4 = dt.date(2026, 10, 1)
OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)
JAN, FEB, MAR = dt.date(2027, 1, 1), dt.date(2027, 2, 1), dt.date(2027, 3, 1)


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, us, tzinfo=TASHKENT)


@pytest.fixture(autouse=True)
def _lot_made_long_ago(estate: Estate) -> None:
    """The estate's lot has no status history: its creation dates its management (billing.
    reports ``_owes``), here long before the quarters the tests walk through."""
    from lots.models import Lot

    Lot.objects.filter(pk=estate.lot.pk).update(created_at=at(2020, 1, 1, 0, 0))
    estate.lot.refresh_from_db()


def file(estate: Estate, by: Any, quarter: dt.date, when: dt.datetime) -> QuarterlyReport:
    report = report_draft(lot=estate.lot, quarter=quarter, by=by, at=when)
    report_expense_set(report=report, category="maintenance", amount_tiyin=1_000_00, by=by)
    return report_submit(report=report, by=by, at=when)


def managed_since(estate: Estate, when: dt.datetime) -> None:
    change = LotStatusChange.objects.create(
        lot=estate.lot, from_status=LotStatus.ELECTION, to_status=LotStatus.MANAGED
    )
    LotStatusChange.objects.filter(pk=change.pk).update(at=when)


def charges(period: dt.date) -> int:
    return LedgerEntry.objects.filter(kind="charge", period=period).count()


# --- quarters --------------------------------------------------------------------------------


def test_quarters_and_their_deadline(settings: Any) -> None:
    assert quarter_of(dt.date(2026, 9, 30)) == Q3
    assert quarter_of(dt.date(2026, 10, 1)) == Q4
    assert next_quarter(Q4) == JAN
    assert quarter_end_deadline(Q3) == at(2026, 9, 30, 23, 59, 59, 999999)
    settings.QUARTERLY_REPORT_GRACE_DAYS = 3
    assert quarter_end_deadline(Q4) == at(2027, 1, 3, 23, 59, 59, 999999)


# --- the deadline ----------------------------------------------------------------------------


def test_a_report_filed_on_the_last_day_at_2359_suspends_nothing(
    estate: Estate, mc_director: Any
) -> None:
    file(estate, mc_director, Q3, at(2026, 9, 30, 23, 59))
    summary = enforce_quarterly_reports(as_of=OCT)
    assert summary["suspended"] == []
    assert summary["checked_lots"] == 1
    assert not Suspension.objects.exists()


def test_a_report_filed_at_0001_the_next_day_is_late_suspension_from_the_next_month(
    estate: Estate, mc_director: Any
) -> None:
    tariff(estate, 1000)
    file(estate, mc_director, Q3, at(2026, 10, 1, 0, 1))
    summary = enforce_quarterly_reports(as_of=OCT)
    suspension = Suspension.objects.get()
    assert summary["suspended"] == [estate.lot.pk]
    assert (suspension.starts_on, suspension.report_quarter) == (OCT, Q3)
    assert "2026" in suspension.reason
    # filed before any month was skipped: lifted at once, covering no month
    assert summary["lifted"] == 1
    suspension.refresh_from_db()
    assert suspension.ends_on == OCT
    assert suspension.lifted_at is not None
    assert accrual_lot(lot_id=estate.lot.pk, period=OCT).charged == 3


def test_without_a_report_the_next_months_are_skipped(estate: Estate) -> None:
    tariff(estate, 1000)
    enforce_quarterly_reports(as_of=OCT)
    result = accrual_lot(lot_id=estate.lot.pk, period=OCT)
    assert (result.charged, result.skipped_suspended) == (0, 3)
    assert SuspendedMonth.objects.filter(lot=estate.lot, period=OCT).exists()


def test_the_grace_days_move_the_deadline(estate: Estate, mc_director: Any, settings: Any) -> None:
    settings.QUARTERLY_REPORT_GRACE_DAYS = 2
    managed_since(estate, at(2026, 7, 1, 0, 0))  # owes nothing for the second quarter
    assert enforce_quarterly_reports(as_of=dt.date(2026, 10, 2))["suspended"] == []
    file(estate, mc_director, Q3, at(2026, 10, 2, 23, 59))
    assert enforce_quarterly_reports(as_of=dt.date(2026, 10, 3))["suspended"] == []
    assert not Suspension.objects.exists()


def test_a_lot_managed_mid_quarter_owes_its_first_report_at_that_quarters_end(
    estate: Estate,
) -> None:
    managed_since(estate, at(2026, 8, 15, 12))
    assert enforce_quarterly_reports(as_of=OCT)["suspended"] == [estate.lot.pk]


def test_a_lot_managed_after_the_quarter_owes_nothing_for_it(estate: Estate) -> None:
    managed_since(estate, at(2026, 10, 1, 0, 0))
    assert enforce_quarterly_reports(as_of=dt.date(2026, 10, 2))["suspended"] == []
    assert not Suspension.objects.exists()


def test_the_job_run_twice_in_a_day_changes_nothing(estate: Estate) -> None:
    first = enforce_quarterly_reports(as_of=OCT)
    rows = list(Suspension.objects.values())
    second = enforce_quarterly_reports(as_of=OCT)
    assert first["suspended"] == [estate.lot.pk]
    assert (second["suspended"], second["already_suspended"], second["lifted"]) == ([], 1, 0)
    assert list(Suspension.objects.values()) == rows


def test_two_quarters_missed_two_suspensions_every_month_skipped(
    estate: Estate, mc_director: Any
) -> None:
    tariff(estate, 1000)
    enforce_quarterly_reports(as_of=OCT)
    for period in (OCT, NOV, DEC):
        accrual_lot(lot_id=estate.lot.pk, period=period)
    enforce_quarterly_reports(as_of=JAN)
    for period in (JAN, FEB):
        accrual_lot(lot_id=estate.lot.pk, period=period)
    assert list(
        Suspension.objects.order_by("starts_on").values_list("report_quarter", "starts_on")
    ) == [(Q3, OCT), (Q4, JAN)]
    assert sum(charges(p) for p in (OCT, NOV, DEC, JAN, FEB)) == 0
    # the third quarter's report, late: its suspension lifts, the fourth's holds
    file(estate, mc_director, Q3, at(2027, 2, 10, 10))
    assert accrual_lot(lot_id=estate.lot.pk, period=MAR).charged == 0
    # the fourth's too: the months skipped stay skipped, the next one is charged
    file(estate, mc_director, Q4, at(2027, 3, 10, 10))
    assert Suspension.objects.get(report_quarter=Q4).ends_on == dt.date(2027, 4, 1)
    assert accrual_lot(lot_id=estate.lot.pk, period=dt.date(2027, 4, 1)).charged == 3
    assert sum(charges(p) for p in (OCT, NOV, DEC, JAN, FEB, MAR)) == 0


def test_lifting_on_the_15th_leaves_the_skipped_month_uncharged_forever(
    estate: Estate, mc_director: Any
) -> None:
    tariff(estate, 1000)
    enforce_quarterly_reports(as_of=OCT)
    accrual_lot(lot_id=estate.lot.pk, period=OCT)
    file(estate, mc_director, Q3, at(2026, 10, 15, 11))
    suspension = Suspension.objects.get()
    assert (suspension.ends_on, suspension.lifted_at) == (NOV, at(2026, 10, 15, 11))
    out = StringIO()
    call_command("accrue", "--period", "2026-10", "--inline", "--json", stdout=out)
    assert charges(OCT) == 0
    # even a suspension shortened behind the service's back does not charge it
    Suspension.objects.filter(pk=suspension.pk).update(ends_on=OCT)
    result = accrual_lot(lot_id=estate.lot.pk, period=OCT)
    assert (result.charged, result.skipped_suspended) == (0, 3)
    assert charges(OCT) == 0
    assert accrual_lot(lot_id=estate.lot.pk, period=NOV).charged == 3


# --- drafts, corrections, refusals -----------------------------------------------------------


def test_a_correction_is_the_next_version(estate: Estate, mc_director: Any) -> None:
    first = file(estate, mc_director, Q3, at(2026, 9, 20))
    draft = report_draft(lot=estate.lot, quarter=Q3, by=mc_director, at=at(2026, 10, 5))
    assert (draft.version, draft.supersedes_id, draft.status) == (2, first.pk, "draft")
    assert report_draft(lot=estate.lot, quarter=Q3, by=mc_director, at=at(2026, 10, 5)) == draft
    # a correction filed late does not make the quarter late
    report_submit(report=draft, by=mc_director, at=at(2026, 10, 6))
    assert enforce_quarterly_reports(as_of=dt.date(2026, 10, 7))["suspended"] == []


def test_it_refuses_a_quarter_not_started(estate: Estate, mc_director: Any) -> None:
    with pytest.raises(ReportError) as refused:
        report_draft(lot=estate.lot, quarter=JAN, by=mc_director, at=at(2026, 12, 31, 23, 59))
    assert refused.value.message == str(MSG_FUTURE_QUARTER)
    assert report_draft(lot=estate.lot, quarter=JAN, by=mc_director, at=at(2027, 1, 1, 0, 0))
    with pytest.raises(ReportError) as refused:
        report_draft(lot=estate.lot, quarter=dt.date(2026, 8, 1), by=mc_director)
    assert refused.value.message == str(MSG_NOT_A_QUARTER)


@pytest.mark.parametrize("key", ["rival_mc", "mc_dispatcher", "council", "inspector", "owner"])
def test_only_the_lots_mc_director_or_accountant_files(estate: Estate, cast: Any, key: str) -> None:
    with pytest.raises(ReportError) as refused:
        report_draft(lot=estate.lot, quarter=Q3, by=cast.users[key], at=at(2026, 9, 1))
    assert refused.value.message == str(MSG_MAY_NOT_FILE)
    assert not QuarterlyReport.objects.exists()


@pytest.mark.parametrize("amount", [-1, 10**15 + 1])
def test_it_refuses_an_amount_out_of_range(estate: Estate, mc_director: Any, amount: int) -> None:
    report = report_draft(lot=estate.lot, quarter=Q3, by=mc_director, at=at(2026, 9, 1))
    with pytest.raises(ReportError) as refused:
        report_expense_set(report=report, category="repairs", amount_tiyin=amount, by=mc_director)
    assert refused.value.message == str(MSG_AMOUNT_RANGE % {"max": 10**15})
    assert not ReportExpense.objects.exists()
    expense = report_expense_set(
        report=report, category="repairs", amount_tiyin=10**15, by=mc_director
    )
    assert expense.amount_tiyin == 10**15


def test_a_submitted_report_cannot_be_changed(estate: Estate, mc_director: Any) -> None:
    report = file(estate, mc_director, Q3, at(2026, 9, 20))
    for attempt in (
        lambda: report_expense_set(
            report=report, category="repairs", amount_tiyin=5, by=mc_director
        ),
        lambda: report_work_add(
            report=report,
            description="roof",
            status="done",
            cost_tiyin=5,
            by=mc_director,
            unplanned=True,
        ),
        lambda: report_submit(report=report, by=mc_director),
    ):
        with pytest.raises(ReportError) as refused:
            attempt()
        assert refused.value.message == str(MSG_SUBMITTED)
    report.status = "draft"
    with pytest.raises(ReportImmutable):
        report.save()
    with pytest.raises(ReportImmutable):
        report.delete()
    expense = ReportExpense.objects.get(report=report)
    expense.amount_tiyin = 1
    with pytest.raises(ReportImmutable):
        expense.save()
    with pytest.raises(ReportImmutable):
        ReportExpense.objects.filter(report=report).update(amount_tiyin=1)
    with pytest.raises(ReportImmutable):
        QuarterlyReport.objects.filter(pk=report.pk).delete()
    assert ReportExpense.objects.get(report=report).amount_tiyin == 1_000_00


def test_works_name_a_program_item_or_are_unplanned(estate: Estate, mc_director: Any) -> None:
    report = report_draft(lot=estate.lot, quarter=Q3, by=mc_director, at=at(2026, 9, 1))
    work = report_work_add(
        report=report,
        description="Tom ta'miri",
        status="in_progress",
        cost_tiyin=10,
        by=mc_director,
        unplanned=True,
    )
    assert work.unplanned
    assert work.item_id is None
    with pytest.raises(ReportError):
        report_work_add(report=report, description="x", status="done", cost_tiyin=1, by=mc_director)


def test_income_is_read_from_the_ledger(estate: Estate) -> None:
    tariff(estate, 1000)
    accrual_lot(lot_id=estate.lot.pk, period=OCT)
    pay(estate.flats[0], 500_00, at(2026, 10, 20, 9))
    pay(estate.flats[0], 700_00, at(2027, 1, 1, 0, 0))  # the next quarter
    income = report_income(lot=estate.lot, quarter=Q4)
    charged = sum(
        LedgerEntry.objects.filter(kind="charge", period=OCT).values_list("amount_tiyin", flat=True)
    )
    assert income["accrued_tiyin"] == charged > 0
    assert income["collected_tiyin"] == 500_00
    assert income["revenue_tiyin"] == income["lease_tiyin"] == 0


# --- the job's entry points ------------------------------------------------------------------


def test_the_command_and_the_task_call_the_same_service(estate: Estate, settings: Any) -> None:
    from billing.tasks import enforce_quarterly_reports_task

    out = StringIO()
    call_command("enforce_quarterly_reports", "--as-of", "2026-10-01", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["suspended"] == [estate.lot.pk]
    assert summary["as_of"] == "2026-10-01"
    assert enforce_quarterly_reports_task("2026-10-01")["already_suspended"] == 1
    beat = settings.CELERY_BEAT_SCHEDULE["enforce-quarterly-reports"]
    assert beat["task"] == "billing.tasks.enforce_quarterly_reports"


# --- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_submitted_report_is_immutable_in_the_database(estate: Estate, mc_director: Any) -> None:
    report = file(estate, mc_director, Q3, at(2026, 9, 20))
    expense = ReportExpense.objects.get(report=report)
    statements = [
        ("UPDATE billing_quarterlyreport SET status = 'draft' WHERE id = %s", [report.pk]),
        ("DELETE FROM billing_quarterlyreport WHERE id = %s", [report.pk]),
        ("UPDATE billing_reportexpense SET amount_tiyin = 1 WHERE id = %s", [expense.pk]),
        ("DELETE FROM billing_reportexpense WHERE id = %s", [expense.pk]),
        (
            "INSERT INTO billing_reportexpense (report_id, category, amount_tiyin)"
            " VALUES (%s, 'other', 1)",
            [report.pk],
        ),
    ]
    for sql, params in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert QuarterlyReport.objects.get(pk=report.pk).status == "submitted"
    assert list(ReportExpense.objects.values_list("amount_tiyin", flat=True)) == [1_000_00]


def test_an_accrual_run_applies_the_rule_before_it_charges(estate: Estate) -> None:
    """On the 1st of the month after a quarter the accrual may run before the daily job:
    the run applies the rule first, so a lot whose report is missing is not charged."""
    from django.utils import timezone

    from core.periods import month_start

    tariff(estate, 1000)
    assert not Suspension.objects.filter(lot=estate.lot).exists()
    out = StringIO()
    month = month_start(timezone.localdate())
    call_command("accrue", "--period", f"{month:%Y-%m}", "--inline", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["charged"], summary["skipped_suspended"]) == (0, 3)
    assert Suspension.objects.filter(lot=estate.lot, report_quarter__isnull=False).exists()
