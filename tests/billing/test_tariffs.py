"""Tariffs (DOMAIN.md "Billing"; issue 10 point 1): set by a council of the lot or an
inspector of its region, from the 1st of a month, never reaching back into a month
already charged; every change is a new row (the history)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from billing.accrual import accrual_lot, tariff_in_force
from billing.models import Tariff
from billing.services import (
    MSG_IN_THE_PAST,
    MSG_MAY_NOT_SET,
    MSG_NOT_FIRST,
    MSG_NOT_POSITIVE,
    BillingError,
    tariff_set,
)
from mening_uyim.demo import Cast
from tests.billing.conftest import DEC, Estate

pytestmark = pytest.mark.django_db
AT = timezone.make_aware(dt.datetime(2026, 12, 10, 12, 0))
JAN = dt.date(2027, 1, 1)


@pytest.mark.parametrize("key", ["council", "inspector"])
def test_a_council_or_inspector_sets_the_tariff_and_the_history_stays(
    cast: Cast, estate: Estate, key: str
) -> None:
    first = tariff_set(
        lot=estate.lot, tiyin_per_m2=1500, effective_from=DEC, by=cast.users[key], at=AT
    )
    second = tariff_set(
        lot=estate.lot, tiyin_per_m2=1800, effective_from=JAN, by=cast.users[key], at=AT
    )
    assert list(Tariff.objects.filter(lot=estate.lot).order_by("effective_from")) == [first, second]
    assert tariff_in_force(estate.lot.pk, DEC) == first
    assert tariff_in_force(estate.lot.pk, JAN) == second


@pytest.mark.parametrize(
    "key", ["owner", "mc_director", "mc_dispatcher", "other_council", "other_inspector", "outsider"]
)
def test_nobody_else_sets_a_tariff(cast: Cast, estate: Estate, key: str) -> None:
    with pytest.raises(BillingError) as refused:
        tariff_set(lot=estate.lot, tiyin_per_m2=1500, effective_from=DEC, by=cast.users[key], at=AT)
    assert refused.value.message == str(MSG_MAY_NOT_SET)
    assert not Tariff.objects.exists()


def test_a_tariff_starts_on_the_first_and_is_positive(cast: Cast, estate: Estate) -> None:
    council = cast.users["council"]
    with pytest.raises(BillingError) as second:
        tariff_set(
            lot=estate.lot, tiyin_per_m2=1500, effective_from=dt.date(2027, 1, 2), by=council, at=AT
        )
    assert second.value.message == str(MSG_NOT_FIRST)
    with pytest.raises(BillingError) as zero:
        tariff_set(lot=estate.lot, tiyin_per_m2=0, effective_from=JAN, by=council, at=AT)
    assert zero.value.message == str(MSG_NOT_POSITIVE)
    assert not Tariff.objects.exists()


def test_a_tariff_never_reaches_back_into_a_charged_month(cast: Cast, estate: Estate) -> None:
    council = cast.users["council"]
    with pytest.raises(BillingError) as past:
        tariff_set(
            lot=estate.lot,
            tiyin_per_m2=1500,
            effective_from=dt.date(2026, 11, 1),
            by=council,
            at=AT,
        )
    assert past.value.message == str(MSG_IN_THE_PAST % {"month": "12.2026"})
    tariff_set(lot=estate.lot, tiyin_per_m2=1500, effective_from=DEC, by=council, at=AT)
    accrual_lot(lot_id=estate.lot.pk, period=DEC, at=AT)
    with pytest.raises(BillingError) as charged:
        tariff_set(lot=estate.lot, tiyin_per_m2=1700, effective_from=DEC, by=council, at=AT)
    assert charged.value.message == str(MSG_IN_THE_PAST % {"month": "01.2027"})
    # the last moment of November in Tashkent: November is still the current month
    nov_end = timezone.make_aware(dt.datetime(2026, 11, 30, 23, 59, 59))
    assert Tariff.objects.count() == 1
    other = tariff_set(
        lot=estate.lot, tiyin_per_m2=1700, effective_from=JAN, by=council, at=nov_end
    )
    assert other.effective_from == JAN
