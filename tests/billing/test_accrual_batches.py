"""The inline accrual charges ACCRUAL_LOTS_PER_TRANSACTION lots in one database
transaction and one statement; each lot still follows every rule of its own (managed,
charged once, suspended, tariff in force), and the batch falls back to lot by lot when a
lot has nothing left to charge."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from billing.accrual import accrual_lots
from billing.ledger import apartment_balance, ledger_check
from billing.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    SuspendedMonth,
    Suspension,
    Tariff,
)
from buildings.models import Apartment, Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import Cast
from tests.billing.conftest import DEC, T0, Estate, tariff

pytestmark = pytest.mark.django_db


def _lot(cast: Cast, make_building: Any, code: str, flats: int, tiyin: int | None) -> Lot:
    building = make_building(flats=flats)
    Building.objects.filter(pk=building.pk).update(district=cast.district)
    lot = Lot.objects.create(code=code, region=cast.region, status=LotStatus.MANAGED,
                             manager=cast.mc)  # fmt: skip
    LotBuilding.objects.create(lot=lot, building=building)
    if tiyin is not None:
        Tariff.objects.create(
            lot=lot, effective_from=dt.date(2026, 1, 1), tiyin_per_m2=tiyin,
            set_by=cast.users["council"], set_by_role="council_member", set_at=timezone.now(),
        )  # fmt: skip
    return lot


def test_a_batch_keeps_every_lots_rules(cast: Cast, estate: Estate, make_building: Any) -> None:
    tariff(estate, 1000)
    charged_before = _lot(cast, make_building, "UZ-TK-951", 2, 1000)
    accrual_lots(lot_ids=[charged_before.pk], period=DEC, at=T0)
    suspended = _lot(cast, make_building, "UZ-TK-952", 2, 1000)
    Suspension.objects.create(
        lot=suspended, starts_on=DEC, reason="no Q3 report", created_at=timezone.now()
    )
    untariffed = _lot(cast, make_building, "UZ-TK-953", 2, None)
    draft = _lot(cast, make_building, "UZ-TK-954", 2, 1000)
    Lot.objects.filter(pk=draft.pk).update(status=LotStatus.APPROVED)
    second = _lot(cast, make_building, "UZ-TK-955", 4, 2000)
    lots = [estate.lot, charged_before, suspended, untariffed, draft, second]
    results = accrual_lots(lot_ids=[lot.pk for lot in lots], period=DEC, at=T0)
    got = {
        r.lot_id: (r.charged, r.already_charged, r.skipped_suspended, r.no_tariff) for r in results
    }
    assert got == {
        estate.lot.pk: (3, 0, 0, 0),
        charged_before.pk: (0, 2, 0, 0),
        suspended.pk: (0, 0, 2, 0),
        untariffed.pk: (0, 0, 0, 2),
        draft.pk: (0, 0, 0, 0),
        second.pk: (4, 0, 0, 0),
    }
    assert [r.lot_id for r in results] == [lot.pk for lot in lots]  # in the order asked
    accruals = LedgerTransaction.objects.filter(kind="accrual", period=DEC)
    assert sorted(accruals.values_list("lot_id", flat=True)) == sorted(
        [estate.lot.pk, charged_before.pk, second.pk]
    )
    assert SuspendedMonth.objects.filter(lot=suspended, period=DEC).count() == 1
    # area × tariff per apartment, half up: 45.55 m² × 10 so'm = 455.50 so'm
    assert apartment_balance(estate.flats[0].pk) == 45_550
    second_flats = Apartment.objects.filter(building__lot_membership__lot=second)
    second_total = sum(apartment_balance(a.pk) for a in second_flats)
    assert results[-1].total_tiyin == second_total
    income = LedgerAccount.objects.get(kind=AccountKind.CONTRIBUTIONS, company=cast.mc)
    charges = LedgerEntry.objects.filter(kind="charge").aggregate(s=Sum("amount_tiyin"))["s"]
    assert income.balance_tiyin == -charges
    assert ledger_check() == {"transactions": 3, "unbalanced": 0, "balance_mismatches": 0}
    again = accrual_lots(lot_ids=[lot.pk for lot in lots], period=DEC, at=T0)
    assert sum(r.charged for r in again) == 0
    assert accruals.count() == 3


def test_a_lot_with_nothing_left_to_charge_sends_the_batch_lot_by_lot(
    cast: Cast, estate: Estate, make_building: Any
) -> None:
    """A building charged through one lot, then moved to another in the month: the batch
    holding that lot skips its charged apartments, writes no empty transaction, and still
    charges the batch's other lots."""
    tariff(estate, 1000)
    accrual_lots(lot_ids=[estate.lot.pk], period=DEC, at=T0)
    moved_to = _lot(cast, make_building, "UZ-TK-956", 1, 1000)
    Apartment.objects.filter(building__lot_membership__lot=moved_to).delete()
    LotBuilding.objects.filter(building=estate.building).update(lot=moved_to)
    other = _lot(cast, make_building, "UZ-TK-957", 2, 1000)
    empty = Lot.objects.create(code="UZ-TK-958", region=cast.region,
                               status=LotStatus.MANAGED, manager=cast.mc)  # fmt: skip
    Tariff.objects.create(
        lot=empty, effective_from=dt.date(2026, 1, 1), tiyin_per_m2=1000,
        set_by=cast.users["council"], set_by_role="council_member", set_at=timezone.now(),
    )  # fmt: skip
    results = accrual_lots(lot_ids=[moved_to.pk, other.pk, empty.pk], period=DEC, at=T0)
    assert [(r.charged, r.already_charged) for r in results] == [(0, 3), (2, 0), (0, 0)]
    assert LedgerEntry.objects.filter(kind="charge").count() == 5
    assert not LedgerTransaction.objects.filter(lot__in=[moved_to, empty]).exists()
    assert ledger_check()["unbalanced"] == 0
