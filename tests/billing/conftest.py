"""A managed lot of one building with a known area, for the billing tests.

Building Z (Yunusobod): three flats of 45.55, 60 and 72.30 m², managed by the personas'
MC (``cast.mc``); the owner persona owns flat 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from buildings.models import Apartment, Building, Ownership
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import Cast

AREAS = (Decimal("45.55"), Decimal("60.00"), Decimal("72.30"))
T0 = timezone.make_aware(dt.datetime(2026, 12, 1, 0, 5))
DEC = dt.date(2026, 12, 1)


@dataclass
class Estate:
    lot: Lot
    building: Building
    flats: list[Apartment]


@pytest.fixture
def estate(cast: Cast, make_building: Any) -> Estate:
    building = make_building(flats=len(AREAS))
    Building.objects.filter(pk=building.pk).update(district=cast.district)
    flats = list(building.apartments.order_by("pk"))
    for flat, area in zip(flats, AREAS, strict=True):
        Apartment.objects.filter(pk=flat.pk).update(area_m2=area)
    Ownership.objects.create(
        apartment=flats[0], person=cast.users["owner"].person, since=dt.date(2020, 1, 1)
    )
    lot = Lot.objects.create(
        code="UZ-TK-950", region=cast.region, status=LotStatus.MANAGED, manager=cast.mc
    )
    LotBuilding.objects.create(lot=lot, building=building)
    return Estate(lot, building, [Apartment.objects.get(pk=f.pk) for f in flats])


def tariff(estate: Estate, tiyin: int, start: dt.date = dt.date(2026, 1, 1)) -> Any:
    from django.contrib.auth import get_user_model

    from billing.models import Tariff

    user = get_user_model().objects.filter(email="council@demo.uz").get()
    return Tariff.objects.create(
        lot=estate.lot,
        effective_from=start,
        tiyin_per_m2=tiyin,
        set_by=user,
        set_by_role="council_member",
        set_at=timezone.now(),
    )


def pay(apartment: Any, tiyin: int, at: dt.datetime, provider: str = "payme") -> Any:
    """A performed payment as the providers' endpoints post it: the provider's clearing
    account debited, the apartment's receivable credited."""
    from billing.ledger import Line, account_for, transaction_post
    from billing.models import AccountKind

    clearing = account_for(AccountKind.CLEARING, provider=provider)
    return transaction_post(
        kind="payment",
        at=at,
        lines=[
            Line(amount_tiyin=tiyin, account=clearing),
            Line(amount_tiyin=-tiyin, apartment_id=apartment.pk),
        ],
        memo=f"{provider} test",
    )


@pytest.fixture(autouse=True)
def _fresh_storage(settings: Any) -> None:
    """An empty in-memory storage for each test (documents of one test do not leak into
    the next one's "nothing stored" checks)."""
    settings.STORAGES = {**settings.STORAGES, "default": dict(settings.STORAGES["default"])}
