"""Persona matrix of the billing API: my bills, an apartment's bill, a lot's tariffs,
additional revenue, lease contracts and their tax registration, lease violations and the
MCs' money by month; every endpoint with GET and POST, for every persona.

The world (tests.billing.revenue_world): lot UZ-TK-960 of the demo buildings A and B,
managed by the personas' MC, in the council's district and the inspector's region, with a
revenue record and a lease; flat 12 of building A (the owner's and the co-owner's) has a
payment in October 2026. Anonymous → 401 (the API's answer, with WWW-Authenticate); who
does not see a thing → 404; who sees it but may not change it → 403; a method an endpoint
does not take → 405. Every POST here is one that writes nothing (an empty or refused
body: 400 for who may send it), and no refused request changes a table.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from django.test import Client

from mening_uyim.demo import Cast
from tests.access import ALL, Case, check
from tests.billing.revenue_world import tk_contract, tk_lot, tk_revenue, tk_violation
from tests.billing.test_bills_access import flat

pytestmark = pytest.mark.django_db

ROUTES = {
    "api:my-bills",
    "api:apartment-bill",
    "api:apartment-receipt",
    "api:lot-tariffs",
    "api:revenue",
    "api:revenue-detail",
    "api:leases",
    "api:lease",
    "api:lease-registration",
    "api:violations",
    "api:inspection-months",
}

ANONYMOUS = 401
OWNERS = {"owner": 404, "co_owner": 404, "neighbour": 404, "outsider": 404}
# a method the endpoint does not take: 405 for every login (the endpoint's scope is not
# read, so it says nothing of what exists)
NOT_TAKEN = {"default": 405, "anonymous": ANONYMOUS}
# the apartment's owners
BILL = {"default": 404, "anonymous": ANONYMOUS, "owner": 200, "co_owner": 200}
# the lot's money: its MC's staff, its council, its region's inspector
LOT_MONEY = {
    "default": 404,
    "anonymous": ANONYMOUS,
    "mc_director": 200,
    "mc_dispatcher": 200,
    "council": 200,
    "inspector": 200,
}
# a refused tariff: 400 for who may set one, 403 for the MC that sees the lot
TARIFF_POST = {
    **LOT_MONEY,
    "council": 400,
    "inspector": 400,
    "mc_director": 403,
    "mc_dispatcher": 403,
}
# the lists of revenue and contracts: the staff of an MC in the register, councils,
# inspectors (each sees its own, maybe none); the owners have no business there
LIST = {"default": 200, "anonymous": ANONYMOUS, **OWNERS}
# only the staff of the MC that manages a lot have something to send (empty: 400)
FORM = {"default": 404, "anonymous": ANONYMOUS, "mc_director": 400, "mc_dispatcher": 400}
# who sees the contract but may not register it: 403; the MC's staff, an empty body: 400
REGISTER = {**LOT_MONEY, "mc_director": 400, "mc_dispatcher": 400, "council": 403, "inspector": 403}
INSPECTORS = {"default": 404, "anonymous": ANONYMOUS, "inspector": 200, "other_inspector": 200}


def _as(expect: Mapping[str, object], status: int) -> dict[str, object]:
    return {k: (status if v == 200 else v) for k, v in expect.items()}


def _flat(c: Cast) -> int:
    tk_lot(c)  # flat 12's building is in a managed lot: its bill has a lot and an MC
    return flat(c)


def _my_bills(c: Cast) -> str:
    _flat(c)
    return "/api/v1/me/bills/"


def _tariffs(c: Cast) -> str:
    return f"/api/v1/lots/{tk_lot(c).pk}/tariffs/"


def _revenue(c: Cast) -> str:
    tk_revenue(c)
    return "/api/v1/revenue/"


def _leases(c: Cast) -> str:
    tk_contract(c)
    return "/api/v1/leases/"


def _violations(c: Cast) -> str:
    tk_violation(c)
    return "/api/v1/violations/"


def _months(c: Cast) -> str:
    tk_revenue(c)
    return "/api/v1/inspection/months/"


CASES = [
    Case("my bills", _my_bills, {"default": 200, "anonymous": ANONYMOUS}),
    Case("post to my bills", lambda c: "/api/v1/me/bills/", NOT_TAKEN, "post"),
    Case("bill", lambda c: f"/api/v1/apartments/{_flat(c)}/bill/", BILL),
    Case(
        "bill with a bad amount",
        lambda c: f"/api/v1/apartments/{_flat(c)}/bill/?amount=x",
        _as(BILL, 400),
    ),
    Case("post to a bill", lambda c: f"/api/v1/apartments/{_flat(c)}/bill/", NOT_TAKEN, "post"),
    Case("receipt", lambda c: f"/api/v1/apartments/{flat(c)}/receipts/2026-10.pdf", BILL),
    Case(
        "receipt in english",
        lambda c: f"/api/v1/apartments/{flat(c)}/receipts/2026-10.pdf?lang=en",
        _as(BILL, 400),
    ),
    Case(
        "post to a receipt",
        lambda c: f"/api/v1/apartments/{flat(c)}/receipts/2026-10.pdf",
        NOT_TAKEN,
        "post",
    ),
    Case("tariffs", _tariffs, LOT_MONEY),
    Case(
        "tariff without an amount", _tariffs, TARIFF_POST, "post", {"effective_from": "2030-01-01"}
    ),
    Case(
        "tariff reaching back",
        _tariffs,
        TARIFF_POST,
        "post",
        {"tiyin_per_m2": "150000", "effective_from": "2020-01-01"},
    ),
    Case("revenue", _revenue, LIST),
    Case("record revenue (empty form)", _revenue, FORM, "post"),
    Case("revenue record", lambda c: f"/api/v1/revenue/{tk_revenue(c).pk}/", LOT_MONEY),
    Case(
        "post to a revenue record",
        lambda c: f"/api/v1/revenue/{tk_revenue(c).pk}/",
        NOT_TAKEN,
        "post",
    ),
    Case("leases", _leases, LIST),
    Case("record a contract (empty body)", _leases, FORM, "post"),
    Case("contract", lambda c: f"/api/v1/leases/{tk_contract(c).pk}/", LOT_MONEY),
    Case("post to a contract", lambda c: f"/api/v1/leases/{tk_contract(c).pk}/", NOT_TAKEN, "post"),
    Case(
        "tax registration (empty body)",
        lambda c: f"/api/v1/leases/{tk_contract(c).pk}/registration/",
        REGISTER,
        "post",
    ),
    Case(
        "tax registration read",
        lambda c: f"/api/v1/leases/{tk_contract(c).pk}/registration/",
        NOT_TAKEN,
    ),
    Case("violations", _violations, INSPECTORS),
    Case("post to violations", _violations, NOT_TAKEN, "post"),
    Case("money by month", _months, INSPECTORS),
    Case(
        "money by month, a bad month",
        lambda c: "/api/v1/inspection/months/?until=13-2026",
        _as(INSPECTORS, 400),
    ),
    Case("post to money by month", _months, NOT_TAKEN, "post"),
]

PAIRS = [(key, case) for case in CASES for key in ALL if case.expected_for(key) is not None]


@pytest.mark.parametrize(("key", "case"), PAIRS, ids=[f"{c.name}-{k}" for k, c in PAIRS])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)
