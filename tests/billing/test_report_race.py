"""A report submitted while the daily job runs, on the same lot (issue 11; ARCHITECTURE.md
"Concurrency"): whatever the interleaving, a report submitted on time leaves no
suspension, and one submitted late leaves its suspension lifted; never an open
suspension next to a submitted report of its quarter.

On PostgreSQL with real threads: at the same moment (a barrier, many times), and in the
two orders forced: one side pauses inside its transaction, its locks held, until the
other waits for a lock or is done.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection

from billing import reports
from billing.models import QuarterlyReport, Suspension
from billing.reports import (
    TASHKENT,
    enforce_quarterly_reports,
    report_draft,
    report_expense_set,
    report_submit,
)
from lots.models import Lot, LotStatus
from tests.billing.conftest import Estate
from tests.concurrency import race

Q3 = dt.date(2026, 7, 1)
OCT = dt.date(2026, 10, 1)
ON_TIME = dt.datetime(2026, 9, 30, 23, 59, 59, tzinfo=TASHKENT)
LATE = dt.datetime(2026, 10, 1, 0, 0, 1, tzinfo=TASHKENT)
JOB_AT = dt.datetime(2026, 10, 1, 0, 10, tzinfo=TASHKENT)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Lots:
    """Fresh lots of the personas' MC, made long ago, each with a draft of the third
    quarter (a submitted report is frozen, so each round needs its own lot)."""

    def __init__(self, estate: Estate, director: Any) -> None:
        self.estate, self.director, self.n = estate, director, 0

    def new(self) -> tuple[Lot, QuarterlyReport]:
        self.n += 1
        lot = Lot.objects.create(
            code=f"UZ-TK-97{self.n:02d}",
            region=self.estate.lot.region,
            status=LotStatus.MANAGED,
            manager=self.estate.lot.manager,
        )
        Lot.objects.filter(pk=lot.pk).update(created_at=dt.datetime(2020, 1, 1, tzinfo=TASHKENT))
        lot.refresh_from_db()
        draft = report_draft(
            lot=lot, quarter=Q3, by=self.director, at=dt.datetime(2026, 9, 1, tzinfo=TASHKENT)
        )
        report_expense_set(
            report=draft, category="maintenance", amount_tiyin=1_000_00, by=self.director
        )
        return lot, draft


@pytest.fixture
def lots(estate: Estate, mc_director: Any) -> Lots:
    # the estate's own lot is made now: it owes nothing of the third quarter
    return Lots(estate, mc_director)


def assert_consistent(lot: Lot, *, on_time: bool) -> None:
    assert QuarterlyReport.objects.filter(lot=lot, quarter=Q3, status="submitted").count() == 1
    rows = list(Suspension.objects.filter(lot=lot))
    if on_time:
        assert rows == [], "a report submitted on time left a suspension"
        return
    assert len(rows) == 1
    suspension = rows[0]
    assert suspension.report_quarter == Q3
    assert suspension.ends_on == OCT  # nothing accrued yet: it covers no month
    assert suspension.lifted_at is not None


def submit(report: QuarterlyReport, by: Any, when: dt.datetime) -> None:
    report_submit(report=report, by=by, at=when)


def enforce() -> None:
    enforce_quarterly_reports(as_of=OCT, at=JOB_AT)


# --- at the same moment ----------------------------------------------------------------------


@pytest.mark.parametrize("when", [ON_TIME, LATE], ids=["on-time", "late"])
def test_submit_and_the_job_at_the_same_moment_end_consistent(
    lots: Lots, mc_director: Any, when: dt.datetime
) -> None:
    for _round in range(12):
        lot, draft = lots.new()
        outcomes = race(partial(submit, draft, mc_director, when), enforce)
        assert outcomes == ["ok", "ok"]
        assert_consistent(lot, on_time=when == ON_TIME)
    # and the job run again changes nothing
    before = list(Suspension.objects.order_by("pk").values())
    enforce()
    assert list(Suspension.objects.order_by("pk").values()) == before


# --- the two orders, forced ------------------------------------------------------------------

ROLE = threading.local()


def _someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        # the activity view is a snapshot taken once per transaction unless cleared
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return bool(cursor.fetchone()[0])


class Hold:
    """The first call of ``billing.reports.<name>`` made by the action of ``role`` runs,
    then waits (its transaction open, its locks held) until another session waits for a
    lock, or the other action is done. The other action starts once the hold is
    engaged."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, role: str, name: str) -> None:
        self.engaged, self.other_done = threading.Event(), threading.Event()
        original = getattr(reports, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            if getattr(ROLE, "name", "") == role and not self.engaged.is_set():
                self.engaged.set()
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and not self.other_done.is_set():
                    if _someone_waits_for_a_lock():
                        break
                    time.sleep(0.02)
            return result

        monkeypatch.setattr(reports, name, wrapper)

    def first(self, role: str, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            ROLE.name = role
            try:
                action()
            finally:
                ROLE.name = ""
                self.engaged.set()  # (had it never engaged, the other runs anyway)

        return run

    def then(self, role: str, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            self.engaged.wait(timeout=20)
            ROLE.name = role
            try:
                action()
            finally:
                ROLE.name = ""
                self.other_done.set()

        return run


@pytest.mark.parametrize("when", [ON_TIME, LATE], ids=["on-time", "late"])
def test_the_job_meets_a_submission_in_flight(
    lots: Lots, mc_director: Any, monkeypatch: pytest.MonkeyPatch, when: dt.datetime
) -> None:
    """The submission has locked the lot and looked for suspensions to lift (none yet);
    the job comes now, before the submission commits."""
    lot, draft = lots.new()
    hold = Hold(monkeypatch, "submit", "_lift_filed")
    outcomes = race(
        hold.first("submit", partial(submit, draft, mc_director, when)),
        hold.then("job", enforce),
    )
    assert outcomes == ["ok", "ok"]
    assert_consistent(lot, on_time=when == ON_TIME)


@pytest.mark.parametrize("when", [ON_TIME, LATE], ids=["on-time", "late"])
def test_a_submission_meets_the_job_in_flight(
    lots: Lots, mc_director: Any, monkeypatch: pytest.MonkeyPatch, when: dt.datetime
) -> None:
    """The job has locked the lot and created its suspension (not committed yet); the
    submission comes now (its moment, on time or late, was taken before)."""
    lot, draft = lots.new()
    hold = Hold(monkeypatch, "job", "_lift_filed")
    outcomes = race(
        hold.first("job", enforce),
        hold.then("submit", partial(submit, draft, mc_director, when)),
    )
    assert outcomes == ["ok", "ok"]
    assert_consistent(lot, on_time=when == ON_TIME)
