"""Persona matrix: additional revenue (the list, its form, a record's document), lease
contracts (the register, its form, a contract, its tax registration), lease violations and
the MCs' money by month.

The world (tests.billing.revenue_world): lot UZ-TK-960 of the demo buildings A and B,
managed by the personas' MC, in the council's district and the inspector's region, with a
revenue record and a lease. The owners (owner, co_owner, neighbour, outsider) have no
business with an MC's money: 404. Every POST here is one that writes nothing (an empty
form: 400 for the MC's staff), whoever sends it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mening_uyim.demo import Cast
from tests.access import ALL, LOGIN, Case, check
from tests.billing.report_world import tk_draft, tk_submitted, tk_work
from tests.billing.revenue_world import tk_contract, tk_lot, tk_revenue, tk_violation

pytestmark = pytest.mark.django_db

ROUTES = {
    "billing:revenue",
    "billing:revenue_document",
    "billing:leases",
    "billing:lease",
    "billing:lease_register",
    "billing:violations",
    "billing:money_by_month",
    "billing:reports",
    "billing:report",
    "billing:report_expenses",
    "billing:report_works",
    "billing:report_submit",
    "billing:report_pdf",
    "billing:report_work_document",
}

OWNERS = {"owner": 404, "co_owner": 404, "neighbour": 404, "outsider": 404}
# the staff of an MC in the register, councils, inspectors: each sees its own (maybe none)
PAGE = {"default": 200, "anonymous": LOGIN, **OWNERS}
# only the staff of the MC that manages a lot have a form to send (empty: 400)
FORM = {"default": 404, "anonymous": LOGIN, "mc_director": 400, "mc_dispatcher": 400}
# the lot's money: its MC, its council, its region's inspector
LOT_MONEY = {
    "default": 404,
    "anonymous": LOGIN,
    "mc_director": 200,
    "mc_dispatcher": 200,
    "council": 200,
    "inspector": 200,
}
# who sees the contract but may not register it: 403; the MC's staff, an empty form: 400
REGISTER = {
    **LOT_MONEY,
    "mc_director": 400,
    "mc_dispatcher": 400,
    "council": 403,
    "inspector": 403,
}
INSPECTORS = {"default": 404, "anonymous": LOGIN, "inspector": 200, "other_inspector": 200}
# a lot's submitted quarterly reports: its owners (flat 12 of building A, flat 5 of B) and
# those who see its money
REPORT_READERS = {
    **LOT_MONEY,
    "owner": 200,
    "co_owner": 200,
    "neighbour": 200,
    "mc_dispatcher": 200,
}
# the forms of a report: only the lot's MC director (a refused form: 400); anyone else 404
REPORT_FORM = {"default": 404, "anonymous": LOGIN, "mc_director": 400}


def _revenue_list(c: Cast) -> str:
    tk_revenue(c)
    return "/billing/revenue/"


def _lease_list(c: Cast) -> str:
    tk_contract(c)
    return "/billing/leases/"


def _violations(c: Cast) -> str:
    tk_violation(c)
    return "/billing/violations/"


def _months(c: Cast) -> str:
    tk_revenue(c)
    return "/billing/inspection/months/"


CASES = [
    Case("revenue", _revenue_list, PAGE),
    Case(
        "record revenue (empty form)",
        lambda c: f"/billing/revenue/?lot={tk_lot(c).pk}",
        FORM,
        "post",
    ),
    Case(
        "revenue document",
        lambda c: f"/billing/revenue/{tk_revenue(c).pk}/document/",
        LOT_MONEY,
    ),
    Case("leases", _lease_list, PAGE),
    Case("record a contract (empty form)", _lease_list, FORM, "post"),
    Case("contract", lambda c: f"/billing/leases/{tk_contract(c).pk}/", LOT_MONEY),
    Case(
        "tax registration (empty form)",
        lambda c: f"/billing/leases/{tk_contract(c).pk}/registration/",
        REGISTER,
        "post",
    ),
    Case("violations", _violations, INSPECTORS),
    Case("report deadlines", lambda c: (tk_submitted(c), "/billing/reports/")[1], PAGE),
    Case(
        "a report",
        lambda c: f"/billing/lots/{tk_lot(c).pk}/reports/{_slug(tk_submitted(c))}/",
        REPORT_READERS,
    ),
    Case(
        "start a report of a future quarter",
        lambda c: f"/billing/lots/{tk_lot(c).pk}/reports/2099-Q1/",
        REPORT_FORM,
        "post",
    ),
    Case(
        "expenses of a draft (not an amount)",
        lambda c: f"/billing/reports/{tk_draft(c).pk}/expenses/",
        REPORT_FORM,
        "post",
        {"repairs": "abc"},
    ),
    Case(
        "a work of a draft (empty form)",
        lambda c: f"/billing/reports/{tk_draft(c).pk}/works/",
        REPORT_FORM,
        "post",
    ),
    Case(
        "submit a submitted report",
        lambda c: f"/billing/reports/{tk_submitted(c).pk}/submit/",
        REPORT_FORM,
        "post",
    ),
    Case("a report's PDF", lambda c: f"/billing/reports/{tk_submitted(c).pk}.pdf", REPORT_READERS),
    Case(
        "a work's document",
        lambda c: f"/billing/reports/works/{tk_work(c).pk}/document/",
        REPORT_READERS,
    ),
    Case("money by month", _months, INSPECTORS),
    Case(
        "money by month, a bad month",
        lambda c: "/billing/inspection/months/?until=13-2026",
        {**INSPECTORS, "inspector": 400, "other_inspector": 400},
    ),
]


def _slug(report: Any) -> str:
    from billing.report_selectors import quarter_slug

    return quarter_slug(report.quarter)


PAIRS = [(key, case) for case in CASES for key in ALL if case.expected_for(key) is not None]


@pytest.mark.parametrize(("key", "case"), PAIRS, ids=[f"{c.name}-{k}" for k, c in PAIRS])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)
