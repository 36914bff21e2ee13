"""Persona matrix: payments and reconciliation flags in the inspection console
(billing/payments/admin.py). Read-only for everyone; a regional inspector sees the rows of
their region's apartments (through the building), a row of another region is 404 even by
direct link; a national inspector and the administrator see all, the flags of unknown
account numbers included. Every change, delete and add POST is refused, no table changed.

Like tests/voting/test_admin_access.py, the console's route names are Django's admin's,
which tests/test_routes.py leaves out (THIRD_PARTY)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from billing.models import (
    FlagKind,
    PaymentState,
    ProviderTransaction,
    ReconciliationFlag,
    ReconciliationRun,
)
from mening_uyim.demo import Cast
from tests.access import ALL, LOGIN, Case, check
from tests.voting.admin_world import CONSOLE_KEYS, national_inspector

pytestmark = pytest.mark.django_db

KEYS = (*ALL, *CONSOLE_KEYS)
CONSOLE = {
    "default": 403,
    "anonymous": LOGIN,
    "inspector": 200,
    "other_inspector": 200,
    "national_inspector": 200,
    "admin": 200,
}
TASHKENT = {**CONSOLE, "other_inspector": 404}
SAMARKAND = {**CONSOLE, "inspector": 404}
NATIONAL_ONLY = {**CONSOLE, "inspector": 404, "other_inspector": 404}
REFUSED = {
    "default": LOGIN,
    "inspector": 403,
    "other_inspector": 403,
    "national_inspector": 403,
    "admin": 403,
}


def _payment(apartment: Any, provider_id: str) -> ProviderTransaction:
    return ProviderTransaction.objects.create(
        provider="payme",
        provider_id=provider_id,
        apartment=apartment,
        account_number=apartment.account_number,
        amount_tiyin=500_000,
        state=PaymentState.CREATED,
        provider_time_ms=1,
        create_time_ms=1,
    )


def _flag(apartment: Any, provider_id: str) -> ReconciliationFlag:
    now = timezone.now()
    run, _ = ReconciliationRun.objects.get_or_create(
        provider="payme",
        window_start=now.replace(year=2025),
        window_end=now.replace(year=2026),
        defaults={"started_at": now},
    )
    return ReconciliationFlag.objects.create(
        run=run,
        provider="payme",
        provider_id=provider_id,
        kind=FlagKind.MISSING_THERE if apartment else FlagKind.MISSING_HERE,
        apartment=apartment,
        account_number=apartment.account_number if apartment else "999999999999",
        found_at=now,
    )


def _world(c: Cast, make_building: Any) -> dict[str, Any]:
    tk = make_building(flats=1).apartments.get()
    sa = make_building(region_code="UZ-SA", flats=1).apartments.get()
    return {
        "tk_payment": _payment(tk, "a" * 24),
        "sa_payment": _payment(sa, "b" * 24),
        "tk_flag": _flag(tk, "a" * 24),
        "sa_flag": _flag(sa, "b" * 24),
        "unknown_flag": _flag(None, "c" * 24),
    }


@pytest.fixture(autouse=True)
def _national(cast: Cast) -> None:
    national_inspector(cast)


def _url(name: str, suffix: str) -> Callable[[Cast], str]:
    return lambda c: f"/admin/billing/{name}/{suffix}"


CASES = [
    Case("payments list", _url("providertransaction", ""), CONSOLE),
    Case("flags list", _url("reconciliationflag", ""), CONSOLE),
    Case(
        "payments add",
        _url("providertransaction", "add/"),
        {
            **CONSOLE,
            "inspector": 403,
            "other_inspector": 403,
            "national_inspector": 403,
            "admin": 403,
        },
    ),
]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_lists(client: Client, cast: Cast, make_building: Any, key: str, case: Case) -> None:
    _world(cast, make_building)
    check(client, cast, key, case)


ROWS = [
    ("providertransaction", "tk_payment", TASHKENT),
    ("providertransaction", "sa_payment", SAMARKAND),
    ("reconciliationflag", "tk_flag", TASHKENT),
    ("reconciliationflag", "sa_flag", SAMARKAND),
    ("reconciliationflag", "unknown_flag", NATIONAL_ONLY),
]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize(("model", "row", "expect"), ROWS, ids=[r[1] for r in ROWS])
def test_rows_are_scoped_by_the_apartments_region(
    client: Client, cast: Cast, make_building: Any, key: str, model: str, row: str, expect: dict
) -> None:
    world = _world(cast, make_building)
    pk = world[row].pk
    check(client, cast, key, Case(row, _url(model, f"{pk}/change/"), expect))


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("action", ["change/", "delete/"])
def test_every_write_is_refused(
    client: Client, cast: Cast, make_building: Any, key: str, action: str
) -> None:
    world = _world(cast, make_building)
    for model, row in (("providertransaction", "tk_payment"), ("reconciliationflag", "tk_flag")):
        target = _url(model, f"{world[row].pk}/{action}")
        data = {"post": "yes", "state": "2", "amount_tiyin": "1"}
        check(client, cast, key, Case(f"{row} {action}", target, REFUSED, method="post", data=data))


def test_the_list_shows_only_the_region(client: Client, cast: Cast, make_building: Any) -> None:
    world = _world(cast, make_building)
    client.force_login(cast.users["inspector"])
    html = client.get("/admin/billing/reconciliationflag/").content.decode()
    assert world["tk_flag"].provider_id in html
    assert world["sa_flag"].provider_id not in html
    assert world["unknown_flag"].provider_id not in html


def test_the_admin_shows_a_providers_time_in_tashkent() -> None:
    """19:30 UTC on 30 November is 00:30 on 1 December in Asia/Tashkent."""
    import datetime as dt

    from django.contrib import admin as django_admin

    from billing.models import ProviderTransaction
    from billing.payments.admin import ProviderTransactionAdmin
    from billing.payments.services import ms

    at = dt.datetime(2026, 11, 30, 19, 30, tzinfo=dt.UTC)
    shown = ProviderTransactionAdmin(ProviderTransaction, django_admin.site).created(
        ProviderTransaction(create_time_ms=ms(at))
    )
    assert shown == "2026-12-01 00:30:00"
