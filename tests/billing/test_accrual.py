"""Monthly accrual (DOMAIN.md "Billing"): area × the tariff in force, once per (apartment,
month); re-runs and concurrent runs are no-ops; suspended lots are skipped and the month
recorded; lots that are not managed are not charged."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from billing.accrual import accrual_lot
from billing.ledger import apartment_balance, ledger_check
from billing.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    SuspendedMonth,
    Suspension,
)
from lots.models import Lot, LotStatus
from tests.billing.conftest import DEC, T0, Estate, tariff

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)


def _accrue(period: str = "2026-12") -> dict:
    out = StringIO()
    call_command("accrue", "--period", period, "--inline", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_each_apartment_is_charged_area_times_tariff_rounded_half_up(estate: Estate) -> None:
    tariff(estate, 1001)  # 45.55 × 1001 = 45 595.55 → 45 596
    result = accrual_lot(lot_id=estate.lot.pk, period=DEC, at=T0)
    assert result.charged == 3
    charges = dict(
        LedgerEntry.objects.filter(kind="charge").values_list("apartment_id", "amount_tiyin")
    )
    assert charges == {
        estate.flats[0].pk: 45596,
        estate.flats[1].pk: 60060,
        estate.flats[2].pk: 72372,  # 72.30 × 1001 = 72 372.3 → 72 372
    }
    assert result.total_tiyin == 45596 + 60060 + 72372
    income = LedgerAccount.objects.get(kind=AccountKind.CONTRIBUTIONS, company=estate.lot.manager)
    assert income.balance_tiyin == -result.total_tiyin
    assert apartment_balance(estate.flats[0].pk) == 45596
    assert ledger_check() == {"transactions": 1, "unbalanced": 0, "balance_mismatches": 0}


def test_a_rerun_charges_nothing_more(estate: Estate) -> None:
    tariff(estate, 1500)
    first = _accrue()
    again = _accrue()
    assert (first["charged"], first["already_charged"]) == (3, 0)
    assert (again["charged"], again["already_charged"], again["total_tiyin"]) == (3 - 3, 3, 0)
    assert LedgerEntry.objects.filter(kind="charge").count() == 3
    assert LedgerTransaction.objects.count() == 1


def test_an_apartment_added_after_the_lots_month_is_charged_from_the_next_month(
    estate: Estate, make_building: object
) -> None:
    """DOMAIN.md: "a re-run is a no-op". The lot's month is charged once, for the
    apartments it held then; one registered later starts with the next month."""
    from buildings.models import Apartment, account_number_for

    tariff(estate, 1000)
    _accrue()
    late = Apartment.objects.create(
        building=estate.building,
        number="99",
        area_m2=10,
        account_number=account_number_for(estate.building.pk, 99),
    )
    again = _accrue()
    assert (again["charged"], again["already_charged"], again["total_tiyin"]) == (0, 3, 0)
    assert not LedgerEntry.objects.filter(apartment=late).exists()
    january = _accrue("2027-01")
    assert january["charged"] == 4
    assert LedgerEntry.objects.get(apartment=late, kind="charge").amount_tiyin == 10_000


def test_one_accrual_transaction_per_lot_and_month_in_the_database(estate: Estate) -> None:
    """Even past the service's check, the database refuses a second accrual of the month."""
    tariff(estate, 1000)
    _accrue()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerTransaction.objects.create(kind="accrual", at=T0, period=DEC, lot=estate.lot)


def test_a_building_moved_in_after_its_charge_is_not_charged_twice(estate: Estate) -> None:
    """An apartment charged for the month through one lot is skipped by another lot's
    accrual of the same month (the unique (month, apartment) index), and a lot whose every
    apartment was charged elsewhere writes no empty ledger transaction."""
    from billing.models import Tariff
    from lots.models import LotBuilding

    rate = tariff(estate, 1000)
    first = accrual_lot(lot_id=estate.lot.pk, period=DEC, at=T0)
    assert first.charged == 3
    # the building goes to another managed lot in the month (as an approved amendment would)
    other = Lot.objects.create(
        code="UZ-TK-990",
        region=estate.lot.region,
        status=LotStatus.MANAGED,
        manager=estate.lot.manager,
    )
    Tariff.objects.create(
        lot=other,
        effective_from=rate.effective_from,
        tiyin_per_m2=2000,
        set_by=rate.set_by,
        set_by_role=rate.set_by_role,
        set_at=rate.set_at,
    )
    LotBuilding.objects.filter(building=estate.building).update(lot=other)
    again = accrual_lot(lot_id=other.pk, period=DEC, at=T0)
    assert (again.charged, again.already_charged) == (0, 3)
    assert LedgerTransaction.objects.filter(kind="accrual").count() == 1
    assert LedgerEntry.objects.filter(kind="charge").count() == 3


def test_the_tariff_in_force_on_the_first_of_the_month_applies(estate: Estate) -> None:
    tariff(estate, 1000, start=dt.date(2026, 1, 1))
    tariff(estate, 2000, start=DEC)
    tariff(estate, 9000, start=dt.date(2027, 1, 1))
    accrual_lot(lot_id=estate.lot.pk, period=NOV, at=T0)
    accrual_lot(lot_id=estate.lot.pk, period=DEC, at=T0)
    nov = LedgerEntry.objects.get(kind="charge", period=NOV, apartment=estate.flats[1])
    dec = LedgerEntry.objects.get(kind="charge", period=DEC, apartment=estate.flats[1])
    assert (nov.amount_tiyin, dec.amount_tiyin) == (60_000, 120_000)


def test_a_lot_without_a_tariff_is_not_charged(estate: Estate) -> None:
    summary = _accrue()
    assert (summary["charged"], summary["no_tariff"]) == (0, 3)
    assert not LedgerTransaction.objects.exists()


@pytest.mark.parametrize("status", [LotStatus.APPROVED, LotStatus.REELECTION, LotStatus.ELECTION])
def test_only_a_managed_lot_is_charged(estate: Estate, status: str) -> None:
    tariff(estate, 1000)
    Lot.objects.filter(pk=estate.lot.pk).update(status=status)
    assert accrual_lot(lot_id=estate.lot.pk, period=DEC, at=T0).charged == 0
    assert not LedgerEntry.objects.exists()


def test_accrual_skips_a_suspended_lot_and_records_the_month_once(estate: Estate) -> None:
    tariff(estate, 1000)
    suspension = Suspension.objects.create(
        lot=estate.lot, starts_on=DEC, reason="Q3 hisoboti topshirilmagan", created_at=T0
    )
    first = _accrue()
    second = _accrue()
    assert (first["charged"], first["skipped_suspended"]) == (0, 3)
    assert second["skipped_suspended"] == 3
    assert not LedgerEntry.objects.exists()
    assert list(SuspendedMonth.objects.values_list("lot_id", "period", "suspension_id")) == [
        (estate.lot.pk, DEC, suspension.pk)
    ]


def test_a_suspension_ends_before_its_end_date(estate: Estate) -> None:
    """``ends_on`` is the first day charged again."""
    tariff(estate, 1000)
    Suspension.objects.create(
        lot=estate.lot, starts_on=NOV, ends_on=DEC, reason="hisobot kechikdi", created_at=T0
    )
    assert accrual_lot(lot_id=estate.lot.pk, period=NOV, at=T0).skipped_suspended == 3
    assert accrual_lot(lot_id=estate.lot.pk, period=DEC, at=T0).charged == 3


def test_a_bad_period_is_refused() -> None:
    for bad in ("2026-13", "12-2026", "2026/12", ""):
        with pytest.raises(CommandError, match="YYYY-MM"):
            call_command("accrue", "--period", bad, "--inline", stdout=StringIO())


def test_the_json_summary_has_the_issues_fields(estate: Estate) -> None:
    tariff(estate, 1000)
    summary = _accrue()
    assert {
        "period",
        "charged",
        "already_charged",
        "skipped_suspended",
        "total_tiyin",
        "seconds",
    } <= set(summary)
    assert summary["period"] == "2026-12"
    assert summary["total_tiyin"] == 45_550 + 60_000 + 72_300


@pytest.mark.parametrize(
    ("at", "period"),
    [
        ("2026-12-01T00:00:00+05:00", DEC),  # midnight of the 1st in Tashkent
        ("2026-11-30T23:59:59+05:00", NOV),  # a second before
        ("2026-11-30T19:00:00+00:00", DEC),  # the same midnight, written in UTC
    ],
)
def test_the_beat_task_charges_the_month_of_tashkent_one_task_per_lot(
    estate: Estate, at: str, period: dt.date
) -> None:
    from billing.models import AccrualRun
    from billing.tasks import accrual_monthly
    from mening_uyim.celery import app

    tariff(estate, 1000)
    app.conf.task_always_eager = True
    try:
        assert accrual_monthly(at) == 1
    finally:
        app.conf.task_always_eager = False
    run = AccrualRun.objects.get()
    assert run.period == period
    assert run.results.get().charged == 3
    assert set(LedgerEntry.objects.filter(kind="charge").values_list("period", flat=True)) == {
        period
    }
