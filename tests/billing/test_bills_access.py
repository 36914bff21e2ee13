"""Persona matrix of the bill pages: "my bills", an apartment's bill (and a bad amount),
its receipts, a lot's tariffs (and a refused tariff), and methods a page does not take.

Flat 12 of building A (the owner's and the co-owner's) has a payment in October 2026, so
its bill has a month with a receipt; building A is in a managed lot of the personas' MC
(Yunusobod, Tashkent), whose tariffs the council and the Tashkent inspector set. Nobody
else reaches either: another owner's bill or receipt is a 404, and no refused request
changes a table.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from billing.models import LedgerEntry
from buildings.models import Apartment, Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import DEMO_A, Cast
from tests.access import ALL, LOGIN, Case, check
from tests.billing.conftest import pay

pytestmark = pytest.mark.django_db

ROUTES = {"billing:my_bills", "billing:apartment", "billing:receipt", "billing:tariffs"}
OCTOBER = dt.datetime(2026, 10, 15, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))


def flat(c: Cast) -> int:
    apartment = Apartment.objects.get(building__cadastral_number=DEMO_A, number="12")
    if not LedgerEntry.objects.filter(apartment=apartment).exists():
        pay(apartment, 2_500_000, OCTOBER)
    return apartment.pk


def lot(c: Cast) -> int:
    found = Lot.objects.filter(code="UZ-TK-960").first()
    if found is None:
        found = Lot.objects.create(
            code="UZ-TK-960", region=c.region, status=LotStatus.MANAGED, manager=c.mc
        )
        LotBuilding.objects.create(
            lot=found, building=Building.objects.get(cadastral_number=DEMO_A)
        )
    return found.pk


OWNERS = {"default": 404, "anonymous": LOGIN, "owner": 200, "co_owner": 200}
TARIFF_SETTERS = {"default": 404, "anonymous": LOGIN, "council": 200, "inspector": 200}


def _as(expect: dict[str, object], status: int) -> dict[str, object]:
    return {k: (status if v == 200 else v) for k, v in expect.items()}


CASES = [
    Case("my bills", lambda c: "/billing/", {"default": 200, "anonymous": LOGIN}),
    Case("bill", lambda c: f"/billing/apartments/{flat(c)}/", OWNERS),
    Case(
        "bill with a bad amount",
        lambda c: f"/billing/apartments/{flat(c)}/?amount=x",
        _as(OWNERS, 400),
    ),
    Case("receipt", lambda c: f"/billing/apartments/{flat(c)}/receipts/2026-10.pdf", OWNERS),
    Case(
        "receipt in russian",
        lambda c: f"/billing/apartments/{flat(c)}/receipts/2026-10.pdf?lang=ru",
        OWNERS,
    ),
    Case(
        "receipt of a month without entries",
        lambda c: f"/billing/apartments/{flat(c)}/receipts/2026-09.pdf",
        _as(OWNERS, 404),
    ),
    Case(
        "receipt in english",
        lambda c: f"/billing/apartments/{flat(c)}/receipts/2026-10.pdf?lang=en",
        _as(OWNERS, 400),
    ),
    Case("tariffs", lambda c: f"/billing/lots/{lot(c)}/tariffs/", TARIFF_SETTERS),
    Case(
        "tariff without an amount",
        lambda c: f"/billing/lots/{lot(c)}/tariffs/",
        _as(TARIFF_SETTERS, 400),
        "post",
        {"som_per_m2": "", "effective_from": "2030-01"},
    ),
    Case(
        "tariff reaching back",
        lambda c: f"/billing/lots/{lot(c)}/tariffs/",
        _as(TARIFF_SETTERS, 400),
        "post",
        {"som_per_m2": "1500", "effective_from": "2020-01"},
    ),
    Case("post to my bills", lambda c: "/billing/", {"default": 405, "anonymous": LOGIN}, "post"),
    Case(
        "post to a bill",
        lambda c: f"/billing/apartments/{flat(c)}/",
        {"default": 405, "anonymous": LOGIN},
        "post",
        {"amount": "1000"},
    ),
    Case(
        "post to a receipt",
        lambda c: f"/billing/apartments/{flat(c)}/receipts/2026-10.pdf",
        {"default": 405, "anonymous": LOGIN},
        "post",
    ),
    Case(
        "delete the tariffs",
        lambda c: f"/billing/lots/{lot(c)}/tariffs/",
        {"default": 405, "anonymous": LOGIN},
        "delete",
    ),
]

PAIRS = [(key, case) for case in CASES for key in ALL if case.expected_for(key) is not None]


@pytest.mark.parametrize(("key", "case"), PAIRS, ids=[f"{c.name}-{k}" for k, c in PAIRS])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)
