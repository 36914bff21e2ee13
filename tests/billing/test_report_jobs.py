"""Issue 11's jobs around the quarterly reports: the warning before a deadline, the MC's
share of reports on time on its scorecard, and the daily job through a real Celery
worker and Redis.

The services take the day they act at (``today``, ``as_of``); the beat tasks read the
clock, which the tests freeze (``django.utils.timezone.now``) at each boundary.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from accounts.models import Notification, Person, Role, User
from accounts.services import membership_grant
from billing.models import QuarterlyReport, Suspension
from billing.report_jobs import reports_on_time_percent, warn_report_deadlines
from billing.reports import (
    TASHKENT,
    _due_quarter,
    enforce_quarterly_reports,
    quarter_end_deadline,
    report_draft,
    report_expense_set,
    report_submit,
)
from lots.models import Lot, LotBuilding, LotStatus, LotStatusChange
from organizations.models import Scorecard
from organizations.selectors import scorecards_of
from tests.billing.conftest import Estate
from tests.subprocesses import celery_worker, test_database_env

ROOT = Path(__file__).resolve().parents[2]
Q2 = dt.date(2026, 4, 1)
Q3 = dt.date(2026, 7, 1)
KEY = "report-deadline:{lot}:2026-07-01"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TASHKENT)


@pytest.fixture(autouse=True)
def _lot_made_long_ago(estate: Estate) -> None:
    """The estate's lot has no status history: its creation dates its management."""
    Lot.objects.filter(pk=estate.lot.pk).update(created_at=at(2020, 1, 1))
    estate.lot.refresh_from_db()


@pytest.fixture
def mc_accountant(cast: Any) -> User:
    user = User.objects.create_user(email="accountant@demo.uz", password="Test-Parol-2026")
    Person.objects.create(pinfl="30101900010123", full_name="Kamola Rasulova", user=user)
    membership_grant(user=user, role=Role.MC_ACCOUNTANT, organization_id=cast.mc.pk)
    return user


def file(lot: Lot, by: Any, quarter: dt.date, when: dt.datetime) -> QuarterlyReport:
    report = report_draft(lot=lot, quarter=quarter, by=by, at=when)
    report_expense_set(report=report, category="maintenance", amount_tiyin=1_000_00, by=by)
    return report_submit(report=report, by=by, at=when)


def managed_since(lot: Lot, when: dt.datetime) -> None:
    change = LotStatusChange.objects.create(
        lot=lot, from_status=LotStatus.ELECTION, to_status=LotStatus.MANAGED
    )
    LotStatusChange.objects.filter(pk=change.pk).update(at=when)


def told(lot: Lot) -> list[int]:
    return sorted(
        Notification.objects.filter(key=KEY.format(lot=lot.pk)).values_list("person_id", flat=True)
    )


def frozen(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


# --- the warning before the deadline ---------------------------------------------------------


def test_fifteen_days_before_the_deadline_nobody_is_warned(
    estate: Estate, mc_accountant: Any
) -> None:
    summary = warn_report_deadlines(today=dt.date(2026, 9, 15))
    assert (summary["quarters"], summary["notified"]) == ([], 0)
    assert not Notification.objects.exists()


def test_fourteen_days_before_the_director_and_the_accountant_are_warned(
    estate: Estate, cast: Any, mc_accountant: Any
) -> None:
    summary = warn_report_deadlines(today=dt.date(2026, 9, 16))
    director, accountant = cast.users["mc_director"].person, mc_accountant.person
    assert summary["quarters"] == ["2026-07-01"]
    assert summary["lots"] == [estate.lot.pk]
    assert told(estate.lot) == sorted([director.pk, accountant.pk])
    note = Notification.objects.get(person=director)
    assert estate.lot.code in note.subject
    assert "30.09.2026 23:59" in note.body
    assert "10.2026" in note.body  # suspended from October
    # nobody else of the MC, and nobody of the rival MC
    for key in ("mc_dispatcher", "rival_mc", "owner"):
        assert not Notification.objects.filter(person=cast.users[key].person).exists()


def test_a_run_every_day_of_the_window_warns_once(estate: Estate, mc_accountant: Any) -> None:
    first = warn_report_deadlines(today=dt.date(2026, 9, 16))
    assert first["notified"] == 2
    for day in range(16, 31):
        again = warn_report_deadlines(today=dt.date(2026, 9, day))
        assert (again["lots"], again["notified"]) == ([], 0)
    assert warn_report_deadlines(today=dt.date(2026, 9, 16))["notified"] == 0
    assert Notification.objects.count() == 2


def test_a_job_that_missed_the_fourteenth_day_warns_on_the_thirteenth(
    estate: Estate, mc_accountant: Any
) -> None:
    assert warn_report_deadlines(today=dt.date(2026, 9, 17))["notified"] == 2


def test_on_the_last_day_it_still_warns(estate: Estate, mc_accountant: Any) -> None:
    assert warn_report_deadlines(today=dt.date(2026, 9, 30))["lots"] == [estate.lot.pk]


def test_a_submitted_report_is_not_warned_about(
    estate: Estate, mc_director: Any, mc_accountant: Any
) -> None:
    file(estate.lot, mc_director, Q3, at(2026, 9, 10, 12))
    assert warn_report_deadlines(today=dt.date(2026, 9, 16))["notified"] == 0
    # a draft is not a submission
    other = Lot.objects.create(
        code="UZ-TK-951",
        region=estate.lot.region,
        status=LotStatus.MANAGED,
        manager=estate.lot.manager,
    )
    Lot.objects.filter(pk=other.pk).update(created_at=at(2020, 1, 1))
    other.refresh_from_db()
    report_draft(lot=other, quarter=Q3, by=mc_director, at=at(2026, 9, 10))
    assert warn_report_deadlines(today=dt.date(2026, 9, 16))["lots"] == [other.pk]


def test_once_the_deadline_has_passed_nobody_is_warned(estate: Estate, mc_accountant: Any) -> None:
    summary = warn_report_deadlines(today=dt.date(2026, 10, 1))
    assert (summary["quarters"], summary["notified"]) == ([], 0)


def test_the_grace_days_move_the_window(estate: Estate, mc_accountant: Any, settings: Any) -> None:
    settings.QUARTERLY_REPORT_GRACE_DAYS = 3  # the deadline is 3 October, 23:59
    assert warn_report_deadlines(today=dt.date(2026, 9, 18))["notified"] == 0
    assert warn_report_deadlines(today=dt.date(2026, 9, 19))["notified"] == 2
    summary = warn_report_deadlines(today=dt.date(2026, 10, 3))
    assert summary["quarters"] == ["2026-07-01"]
    assert warn_report_deadlines(today=dt.date(2026, 10, 4))["quarters"] == []


def test_the_number_of_days_is_a_setting(estate: Estate, mc_accountant: Any, settings: Any) -> None:
    settings.QUARTERLY_REPORT_WARNING_DAYS = 3
    assert warn_report_deadlines(today=dt.date(2026, 9, 26))["notified"] == 0
    assert warn_report_deadlines(today=dt.date(2026, 9, 27))["notified"] == 2


def test_a_lot_managed_after_the_quarter_is_not_warned(
    estate: Estate, mc_accountant: Any, settings: Any
) -> None:
    settings.QUARTERLY_REPORT_GRACE_DAYS = 10
    managed_since(estate.lot, at(2026, 10, 1))
    # the third quarter's deadline (10 October) is near, but the lot owes no report of it
    assert warn_report_deadlines(today=dt.date(2026, 10, 2))["notified"] == 0


def test_the_daily_task_reads_the_frozen_clock(
    estate: Estate, mc_accountant: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from billing.tasks import warn_report_deadlines_task

    beat = settings.CELERY_BEAT_SCHEDULE["warn-report-deadlines"]
    assert beat["task"] == "billing.tasks.warn_report_deadlines"
    # 15 September 23:30 in Tashkent is still the 15th: nothing; at 00:00 of the 16th, warned
    frozen(monkeypatch, at(2026, 9, 15, 23, 30))
    assert warn_report_deadlines_task()["notified"] == 0
    frozen(monkeypatch, at(2026, 9, 16, 0, 0))
    assert warn_report_deadlines_task()["notified"] == 2
    assert warn_report_deadlines_task()["notified"] == 0


# --- a suspension the rule never owed ---------------------------------------------------------


def test_a_report_submitted_on_time_after_the_job_withdraws_its_suspension(
    estate: Estate, mc_director: Any
) -> None:
    """The job ran while a submission made before the deadline was in flight (its moment
    taken before the job, its commit after): the suspension was never owed."""
    draft = report_draft(lot=estate.lot, quarter=Q3, by=mc_director, at=at(2026, 9, 30, 23))
    assert enforce_quarterly_reports(as_of=dt.date(2026, 10, 1))["suspended"] == [estate.lot.pk]
    report_submit(report=draft, by=mc_director, at=at(2026, 9, 30, 23, 59))
    assert not Suspension.objects.exists()
    summary = enforce_quarterly_reports(as_of=dt.date(2026, 10, 2))
    assert (summary["suspended"], summary["lifted"], summary["withdrawn"]) == ([], 0, 0)


def test_one_that_skipped_a_month_is_lifted_not_withdrawn(estate: Estate, mc_director: Any) -> None:
    from billing.accrual import accrual_lot
    from tests.billing.conftest import tariff

    tariff(estate, 1000)
    draft = report_draft(lot=estate.lot, quarter=Q3, by=mc_director, at=at(2026, 9, 30, 23))
    enforce_quarterly_reports(as_of=dt.date(2026, 10, 1))
    assert accrual_lot(lot_id=estate.lot.pk, period=dt.date(2026, 10, 1)).skipped_suspended == 3
    report_submit(report=draft, by=mc_director, at=at(2026, 9, 30, 23, 59))
    suspension = Suspension.objects.get()
    assert (suspension.ends_on, suspension.lifted_at) == (
        dt.date(2026, 11, 1),
        at(2026, 9, 30, 23, 59),
    )


# --- the scorecard: the share of reports on time ---------------------------------------------


def test_two_quarters_owed_one_on_time_one_late_is_fifty_percent(
    estate: Estate, cast: Any, mc_director: Any
) -> None:
    managed_since(estate.lot, at(2026, 4, 10))  # owes the second and third quarters only
    file(estate.lot, mc_director, Q2, at(2026, 6, 30, 23, 59))
    assert reports_on_time_percent(cast.mc.pk, dt.date(2026, 7, 1)) == 100
    enforce_quarterly_reports(as_of=dt.date(2026, 10, 1))
    assert Scorecard.objects.get(company=cast.mc).reports_on_time_percent == 50
    file(estate.lot, mc_director, Q3, at(2026, 10, 1, 0, 1))  # one minute late
    assert reports_on_time_percent(cast.mc.pk, dt.date(2026, 10, 2)) == 50
    assert Scorecard.objects.get(company=cast.mc).reports_on_time_percent == 50
    assert scorecards_of([cast.mc.pk])[cast.mc.pk]["reports_on_time_percent"] == 50


def test_nothing_owed_is_no_data(estate: Estate, cast: Any) -> None:
    managed_since(estate.lot, at(2026, 10, 1))
    assert reports_on_time_percent(cast.mc.pk, dt.date(2026, 10, 2)) is None
    assert reports_on_time_percent(cast.rival_mc.pk, dt.date(2026, 10, 2)) is None
    enforce_quarterly_reports(as_of=dt.date(2026, 10, 2))
    assert not Scorecard.objects.filter(reports_on_time_percent__isnull=False).exists()


def test_the_scorecard_is_written_when_a_report_is_submitted(
    estate: Estate, cast: Any, mc_director: Any
) -> None:
    managed_since(estate.lot, at(2026, 4, 10))
    file(estate.lot, mc_director, Q3, at(2026, 9, 30, 12))
    # as of the submission the second quarter was owed and missed; the third not due yet
    assert Scorecard.objects.get(company=cast.mc).reports_on_time_percent == 0
    enforce_quarterly_reports(as_of=dt.date(2026, 10, 1))
    assert Scorecard.objects.get(company=cast.mc).reports_on_time_percent == 50


def test_a_company_that_lost_its_lots_has_no_figure(estate: Estate, cast: Any) -> None:
    managed_since(estate.lot, at(2026, 4, 10))
    enforce_quarterly_reports(as_of=dt.date(2026, 10, 1))
    assert Scorecard.objects.get(company=cast.mc).reports_on_time_percent == 0
    Lot.objects.filter(pk=estate.lot.pk).update(status=LotStatus.REELECTION)
    summary = enforce_quarterly_reports(as_of=dt.date(2026, 10, 2))
    assert summary["scorecards_written"] == 1
    assert Scorecard.objects.get(company=cast.mc).reports_on_time_percent is None


def test_the_register_and_the_ballot_show_the_share(
    estate: Estate, cast: Any, mc_director: Any, client: Client
) -> None:
    managed_since(estate.lot, at(2026, 4, 10))
    file(estate.lot, mc_director, Q2, at(2026, 6, 20))
    enforce_quarterly_reports(as_of=dt.date(2026, 10, 1))
    page = client.get(reverse("organizations:register"), {"q": cast.mc.tin})
    assert page.status_code == 200
    assert "50 %" in page.content.decode()
    ballot = (ROOT / "templates/voting/election_detail.html").read_text()
    assert "row.card.reports_on_time_percent" in ballot


# --- the daily job through a real Celery worker and Redis ------------------------------------


def _worker_env(queue_db_url: str) -> dict[str, str]:
    # the test database, where this test commits its world
    return test_database_env(CELERY_RESULT_BACKEND=queue_db_url)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_beat_entry_to_worker_to_suspension_rows(
    estate: Estate, cast: Any, mc_director: Any, make_building: Any, tmp_path: Path
) -> None:
    """The beat schedule's entry for the suspension rule, sent through Redis to a real
    worker: the lot without the report of the quarter just due is suspended, the lot
    whose report was on time is not. The task takes no day: it acts on today in
    Asia/Tashkent, so the world is built around today."""
    from celery import Celery
    from django.utils import timezone

    today = timezone.localdate()
    due = _due_quarter(today)
    late_lot = estate.lot
    building = make_building(flats=2)
    on_time_lot = Lot.objects.create(
        code="UZ-TK-952", region=cast.region, status=LotStatus.MANAGED, manager=cast.mc
    )
    LotBuilding.objects.create(lot=on_time_lot, building=building)
    Lot.objects.filter(pk=on_time_lot.pk).update(created_at=at(2020, 1, 1))
    on_time_lot.refresh_from_db()
    file(on_time_lot, mc_director, due, quarter_end_deadline(due) - dt.timedelta(days=1))

    entry = django_settings.CELERY_BEAT_SCHEDULE["enforce-quarterly-reports"]
    redis_url = django_settings.REDIS_URL
    queue = f"mu-test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "worker.log"
    worker = celery_worker(_worker_env(redis_url), log_path, queue=queue, hostname=queue)
    try:
        # not the current app: the project's beat schedule (crontabs bound to no app)
        # reads its time zone from the current app, and later tests of this process
        # would see UTC
        client = Celery("mu-test-client", broker=redis_url, backend=redis_url, set_as_current=False)
        result = client.send_task(
            entry["task"],
            args=entry.get("args", ()),
            kwargs=entry.get("kwargs", {}),
            queue=queue,
            ignore_result=False,
        )
        summary = result.get(timeout=120)
        client.close()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert summary["as_of"] == today.isoformat(), log_path.read_text()[-3000:]
    assert summary["suspended"] == [late_lot.pk]
    suspension = Suspension.objects.get(lot=late_lot)
    assert suspension.report_quarter == due
    assert (suspension.ends_on, suspension.lifted_at) == (None, None)
    assert not Suspension.objects.filter(lot=on_time_lot).exists()
