"""Persona matrix of the billing API: my bills, an apartment's bill, a lot's tariffs,
additional revenue, lease contracts and their tax registration, lease violations and the
MCs' money by month, quarterly reports (their drafts, expenses, works, submission and
versions); every endpoint with GET and POST (PATCH where it takes one), for every persona.

The world (tests.billing.revenue_world): lot UZ-TK-960 of the demo buildings A and B,
managed by the personas' MC, in the council's district and the inspector's region, with a
revenue record, a lease, this quarter's report, submitted, and the draft of its correction
(tests.billing.report_world); flat 12 of building A (the owner's and the co-owner's) has
a payment in October 2026. Anonymous → 401 (the API's answer, with WWW-Authenticate); who
does not see a thing → 404; who sees it but may not change it → 403; a method an endpoint
does not take → 405. Every POST (and PATCH) here is one that writes nothing (an empty or
refused body: 400 for who may send it), and no refused request changes a table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import pytest
from django.test import Client

from mening_uyim.demo import Cast
from tests.access import ALL, Case, check
from tests.billing.report_world import tk_draft, tk_submitted
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
    "api:reports",
    "api:report",
    "api:report-works",
    "api:report-submit",
    "api:report-versions",
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


# --- quarterly reports -------------------------------------------------------------------------
# Sent as JSON (the API's format for them). A submitted report is read by the lot's owners
# (owner, co_owner: building A; neighbour: building B) and by who sees its money; a
# draft only by the director (or accountant) of the MC that manages the lot. Who reads a
# report but may not file it gets 403 for a change; the filer's refused change is a 400.

READ_REPORT = {
    "default": 404,
    "anonymous": ANONYMOUS,
    "owner": 200,
    "co_owner": 200,
    "neighbour": 200,
    "mc_director": 200,
    "mc_dispatcher": 200,
    "council": 200,
    "inspector": 200,
}
READ_DRAFT = {"default": 404, "anonymous": ANONYMOUS, "mc_director": 200}
# a change of the submitted report: refused to its filer (400), forbidden to its readers
CHANGE_SUBMITTED = {**_as(READ_REPORT, 403), "mc_director": 400}
# who files no lot gets 404; the filer's empty or bad body: 400
FILE = {"default": 404, "anonymous": ANONYMOUS, "mc_director": 400}
WORK = {"description": "Yoʻlakni boʻyash", "status": "planned", "cost_tiyin": 100}


class JsonClient:
    """The test client, its POST and PATCH bodies sent as JSON."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def post(self, path: str, data: Any) -> Any:
        return self._client.post(path, data, content_type="application/json")

    def patch(self, path: str, data: Any) -> Any:
        return self._client.patch(path, data, content_type="application/json")


def _reports(c: Cast) -> str:
    tk_submitted(c)
    tk_draft(c)
    return "/api/v1/reports/"


def _submitted(c: Cast, tail: str = "") -> str:
    return f"/api/v1/reports/{tk_submitted(c).pk}/{tail}"


def _draft(c: Cast, tail: str = "") -> str:
    return f"/api/v1/reports/{tk_draft(c).pk}/{tail}"


REPORT_CASES = [
    Case("reports", _reports, {"default": 200, "anonymous": ANONYMOUS}),
    Case(
        "reports of a bad quarter",
        lambda c: f"{_reports(c)}?quarter=2026-Q3",
        {"default": 400, "anonymous": ANONYMOUS},
    ),
    Case("open a draft (empty body)", _reports, FILE, "post"),
    Case("open a draft of no lot", _reports, FILE, "post", {"lot": 0, "quarter": "2026-10-01"}),
    Case("open a draft of a bad quarter", _reports, FILE, "post", {"lot": 1, "quarter": "2026"}),
    Case("submitted report", _submitted, READ_REPORT),
    Case("draft", _draft, READ_DRAFT),
    Case(
        "expenses of the submitted report",
        _submitted,
        CHANGE_SUBMITTED,
        "patch",
        {"expenses": {"repairs": 1}},
    ),
    Case(
        "negative expenses of the draft",
        _draft,
        _as(READ_DRAFT, 400),
        "patch",
        {"expenses": {"repairs": -1}},
    ),
    Case(
        "expenses above 10^15 tiyin",
        _draft,
        _as(READ_DRAFT, 400),
        "patch",
        {"expenses": {"maintenance": 1, "repairs": 10**15 + 1}},
    ),
    Case("post to a report", _submitted, NOT_TAKEN, "post"),
    Case("delete a report", _draft, NOT_TAKEN, "delete"),
    Case(
        "work on the submitted report",
        lambda c: _submitted(c, "works/"),
        CHANGE_SUBMITTED,
        "post",
        WORK,
    ),
    Case(
        "work on the draft (empty body)",
        lambda c: _draft(c, "works/"),
        _as(READ_DRAFT, 400),
        "post",
    ),
    Case(
        "done work without its document",
        lambda c: _draft(c, "works/"),
        _as(READ_DRAFT, 400),
        "post",
        {**WORK, "status": "done", "unplanned": True},
    ),
    Case("read works", lambda c: _draft(c, "works/"), NOT_TAKEN),
    Case(
        "submit the submitted report", lambda c: _submitted(c, "submit/"), CHANGE_SUBMITTED, "post"
    ),
    # the filer's submission would write: it is tests/billing/test_report_api.py's
    Case(
        "submit the draft",
        lambda c: _draft(c, "submit/"),
        {**READ_DRAFT, "mc_director": None},
        "post",
    ),
    Case("read a submission", lambda c: _submitted(c, "submit/"), NOT_TAKEN),
    Case("versions of the submitted report", lambda c: _submitted(c, "versions/"), READ_REPORT),
    Case("versions of the draft", lambda c: _draft(c, "versions/"), READ_DRAFT),
    Case("post to versions", lambda c: _submitted(c, "versions/"), NOT_TAKEN, "post"),
]

REPORT_PAIRS = [
    (key, case) for case in REPORT_CASES for key in ALL if case.expected_for(key) is not None
]


@pytest.mark.parametrize(
    ("key", "case"), REPORT_PAIRS, ids=[f"{c.name}-{k}" for k, c in REPORT_PAIRS]
)
def test_report_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(cast_client(client), cast, key, case)


def cast_client(client: Client) -> Client:
    return cast(Client, JsonClient(client))
