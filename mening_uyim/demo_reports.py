"""The demo's quarterly reports and a suspended lot (issue 11, point 7), made through the
services themselves with past times (``at=``):

- **a submitted report** of the personas' lot (building A's, managed by the personas' MC)
  for the quarter of the month before this one (M-1: the quarter whose months the billing
  demo charged): the ``mc_director`` persona enters the expenses by category, a done work
  on an item of the lot's five-year program with a generated act (PDF), and an unplanned
  work in progress, then submits it, at the latest six hours before its deadline (on
  time). The income is the ledger's: the billing demo's charges, payments, revenue and
  lease. Its PDF is on the lot page for the owners;
- **a suspended lot**: the lot of building C (Samarkand, where the ``outsider`` persona
  owns flat 3), approved by its councils, its election held early in the last quarter
  without candidates, and the ``rival_mc`` persona's company appointed interim manager a
  day after the close. It owed the last quarter's report and filed none, so the suspension
  job (run as of today) suspends its contributions from this quarter, and the months of
  this quarter so far are recorded as skipped by the accrual. Its owner sees why on the
  bills page, the Samarkand inspector (``other_inspector``) in the console, and the
  rival MC on its deadlines page.

Chosen where the issue is silent: the personas' lot, elected days ago in the demo's short
timeline, did not owe the last quarter's report (it became managed after that quarter),
so the job leaves it alone; its report is the one of the quarter the demo charged.

Each piece checks what exists first (a submitted report of the quarter; the lot of C past
draft): a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from billing.accrual import accrual_lot
from billing.models import QuarterlyReport, ReportStatus
from billing.reports import (
    ReportError,
    enforce_quarterly_reports,
    previous_quarter,
    quarter_end_deadline,
    quarter_months,
    quarter_of,
    report_draft,
    report_expense_set,
    report_submit,
    report_work_add,
)
from core.money import TIYIN_PER_SOM
from core.periods import month_previous, month_start
from lots.errors import LotError
from lots.models import Lot, LotStatus, ProgramItem
from lots.services import lot_decide, lot_district_ids, lot_propose
from mening_uyim.demo import DEMO_C, Cast
from mening_uyim.demo_billing import _act_pdf
from mening_uyim.demo_lots import _council_of
from mening_uyim.demo_voting import Say, _lot_of_a
from voting.models import Election
from voting.services import VotingError, election_close, election_open, interim_appoint

SOM = TIYIN_PER_SOM
EXPENSES = {
    "maintenance": 4_800_000 * SOM,
    "salaries": 6_500_000 * SOM,
    "utilities_common": 1_250_000 * SOM,
    "management": 900_000 * SOM,
}
DONE_WORK = (
    "Kirish yoʻlagi (podyezd) taʼmirlandi: devorlar boʻyaldi, eshiklar almashtirildi",
    7_400_000,
)
OPEN_WORK = ("Yertoladagi suv quvuri qochqogʻini bartaraf etish", 1_150_000)
INTERIM_REASON = "Saylovda nomzod boʻlmadi: tuman kengashi vaqtinchalik boshqaruvchini tayinladi"


def report_quarter(today: dt.date | None = None) -> dt.date:
    """The quarter of the personas' demo report: that of the month before this one."""
    today = today or timezone.localdate()
    return quarter_of(month_previous(month_start(today)))


def _report_ensure(lot: Lot, cast: Cast, say: Say) -> None:
    quarter = report_quarter()
    if QuarterlyReport.objects.filter(
        lot=lot, quarter=quarter, status=ReportStatus.SUBMITTED
    ).exists():
        return
    director = cast.users["mc_director"]
    report = report_draft(lot=lot, quarter=quarter, by=director)
    for category, amount in EXPENSES.items():
        report_expense_set(report=report, category=category, amount_tiyin=amount, by=director)
    item = ProgramItem.objects.filter(lot=lot).order_by("year", "pk").first()
    text, som = DONE_WORK
    act = _act_pdf(
        "Bajarilgan ishlar dalolatnomasi", [lot.code, text, f"{som:,} soʻm".replace(",", " ")]
    )
    report_work_add(
        report=report,
        description=text if item is None else f"{item.work}: {text}",
        status="done",
        cost_tiyin=som * SOM,
        item=item,
        unplanned=item is None,
        document=SimpleUploadedFile("dalolatnoma.pdf", act, content_type="application/pdf"),
        by=director,
    )
    text, som = OPEN_WORK
    report_work_add(
        report=report,
        description=text,
        status="in_progress",
        cost_tiyin=som * SOM,
        unplanned=True,
        by=director,
    )
    at = min(timezone.now(), quarter_end_deadline(quarter) - dt.timedelta(hours=6))
    report_submit(report=report, by=director, at=at)
    say(f"report of {lot.code} for {quarter:%Y-%m} submitted (version {report.version})")


def _lot_of_c() -> Lot | None:
    return Lot.objects.filter(members__building__cadastral_number=DEMO_C).first()


def _suspended_lot_ensure(cast: Cast, password: str, say: Say) -> None:
    lot = _lot_of_c()
    if lot is None or lot.status != LotStatus.DRAFT:
        return
    last = previous_quarter(quarter_of(timezone.localdate()))
    opened = dt.datetime.combine(last, dt.time(10), tzinfo=timezone.get_current_timezone())
    opened += dt.timedelta(days=3)
    councils = {d: _council_of(d, cast, password) for d in sorted(lot_district_ids(lot))}
    first = next(iter(councils.values()))
    lot_propose(
        lot=lot, by=first, comment="Saylov oʻtkazish uchun", at=opened - dt.timedelta(days=2)
    )
    for user in councils.values():
        lot = lot_decide(
            lot=lot, by=user, approve=True, comment="Maʼqullandi", at=opened - dt.timedelta(days=1)
        )
    election = election_open(lot=lot, by=first, at=opened)
    closed = election.voting_ends_at + dt.timedelta(minutes=5)
    election = election_close(election=Election.objects.get(pk=election.pk), by=first, at=closed)
    interim_appoint(
        election=election,
        company=cast.rival_mc,
        by=first,
        reason=INTERIM_REASON,
        at=closed + dt.timedelta(days=1),
    )
    say(f"lot {lot.code} managed by {cast.rival_mc.name} (interim) since {closed:%d.%m.%Y}")
    today = timezone.localdate()
    summary = enforce_quarterly_reports(as_of=today)
    for period in quarter_months(quarter_of(today)):
        if period <= month_start(today):
            accrual_lot(lot_id=lot.pk, period=period)
    say(f"suspension job as of {today:%d.%m.%Y}: suspended lots {summary['suspended']}")


def demo_reports_ensure(*, cast: Cast, password: str, say: Say) -> None:
    """The report of the personas' lot and the suspended lot (module docstring)."""
    lot = _lot_of_a()
    if lot is not None and lot.status == LotStatus.MANAGED and lot.manager_id == cast.mc.pk:
        try:
            with transaction.atomic():
                _report_ensure(lot, cast, say)
        except ReportError as exc:
            say(f"no demo report: {exc.message}")
    try:
        with transaction.atomic():
            _suspended_lot_ensure(cast, password, say)
    except (LotError, VotingError, ReportError) as exc:
        say(f"no suspended demo lot: {getattr(exc, 'message', exc)}")
