"""Billing in the inspection console (billing/admin.py): the ledger (accounts, transactions
with their entries, entries), additional revenue, lease contracts and violations.
Read-only for everyone, the administrator included: nothing can edit or delete a ledger
row. Region by region: a row of another region is 404, even by direct link.

The persona matrix: the standard cast, a national inspector and the administrator. The
console's route names are Django's admin's, which tests/test_routes.py leaves out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client, RequestFactory

from billing import admin as billing_admin
from billing.ledger import account_for
from billing.models import AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction
from mening_uyim.demo import Cast
from tests.access import ALL, LOGIN, Case, check, snapshot
from tests.billing.revenue_world import (
    sa_contract,
    sa_revenue,
    sa_violation,
    tk_contract,
    tk_revenue,
    tk_violation,
)
from tests.voting.admin_world import CONSOLE_KEYS, national_inspector

pytestmark = pytest.mark.django_db

KEYS = (*ALL, *CONSOLE_KEYS)
BILLING_ADMINS = [a for m, a in admin.site._registry.items() if m._meta.app_label == "billing"]
MINE = {
    "ledgeraccount",
    "ledgertransaction",
    "ledgerentry",
    "additionalrevenue",
    "leasecontract",
    "leaseviolation",
}

CONSOLE = {
    "default": 403,
    "anonymous": LOGIN,
    "inspector": 200,
    "other_inspector": 200,
    "national_inspector": 200,
    "admin": 200,
}
NOBODY = {"default": 403, "anonymous": LOGIN}
TASHKENT = {**CONSOLE, "other_inspector": 404}
SAMARKAND = {**CONSOLE, "inspector": 404}
NATIONAL = {**CONSOLE, "inspector": 404, "other_inspector": 404}
REFUSED = {
    "default": LOGIN,
    "inspector": 403,
    "other_inspector": 403,
    "national_inspector": 403,
    "admin": 403,
}


@pytest.fixture(autouse=True)
def _national(cast: Cast) -> None:
    national_inspector(cast)


def _both(c: Cast) -> None:
    tk_violation(c), sa_violation(c), tk_revenue(c), sa_revenue(c)


def _list(model: str) -> Callable[[Cast], str]:
    def url(c: Cast) -> str:
        _both(c)
        return f"/admin/billing/{model}/"

    return url


def _page(make: Callable[[Cast], Model], suffix: str = "change/") -> Callable[[Cast], str]:
    def url(c: Cast) -> str:
        row = make(c)
        return f"/admin/billing/{row._meta.model_name}/{row.pk}/{suffix}"

    return url


def tk_transaction(c: Cast) -> LedgerTransaction:
    return tk_revenue(c).transaction


def sa_transaction(c: Cast) -> LedgerTransaction:
    return sa_revenue(c).transaction


def tk_entry(c: Cast) -> LedgerEntry:
    return tk_transaction(c).entries.order_by("pk")[0]


def sa_entry(c: Cast) -> LedgerEntry:
    return sa_transaction(c).entries.order_by("pk")[0]


def tk_account(c: Cast) -> LedgerAccount:
    tk_revenue(c)
    return LedgerAccount.objects.get(kind=AccountKind.REVENUE, company=c.mc)


def sa_account(c: Cast) -> LedgerAccount:
    sa_revenue(c)
    return LedgerAccount.objects.get(kind=AccountKind.REVENUE, company=c.rival_mc)


def clearing(c: Cast) -> LedgerAccount:
    return account_for(AccountKind.CLEARING, provider="payme")


DELETE = {"post": "yes"}
EDIT = {"amount_tiyin": "1", "balance_tiyin": "0", "kind": "revenue", "_save": "1"}

SIDES = {
    "transaction": (tk_transaction, sa_transaction),
    "entry": (tk_entry, sa_entry),
    "account": (tk_account, sa_account),
    "revenue": (tk_revenue, sa_revenue),
    "contract": (tk_contract, sa_contract),
    "violation": (tk_violation, sa_violation),
}


def _sides(name: str) -> list[Case]:
    tk, sa = SIDES[name]
    return [
        Case(f"{name} in Tashkent", _page(tk), TASHKENT),
        Case(f"{name} in Samarkand", _page(sa), SAMARKAND),
    ]


def _writes(name: str) -> list[Case]:
    tk, _sa = SIDES[name]
    return [
        Case(f"change a {name}", _page(tk), REFUSED, "post", EDIT),
        Case(f"delete a {name}", _page(tk, "delete/"), REFUSED, "post", DELETE),
    ]


# For every persona: the lists, both sides of the border and the writes, on the ledger.
CASES = [Case(f"{model} list", _list(model), CONSOLE) for model in sorted(MINE)]
CASES += [*_sides("transaction"), *_writes("transaction"), *_writes("entry")]

# The other pages, for one persona the console's gate turns away (it answers them all
# alike: the rows above show it) and for those inside it.
FEW = ("owner", "inspector", "other_inspector", "admin")
MORE_CASES = [c for name in SIDES if name != "transaction" for c in _sides(name)]
MORE_CASES += [c for name in SIDES if name not in ("transaction", "entry") for c in _writes(name)]
MORE_CASES += [
    Case("delete an entry (page)", _page(tk_entry, "delete/"), NOBODY),
    Case("delete a revenue record (page)", _page(tk_revenue, "delete/"), NOBODY),
    Case("add an entry (page)", lambda c: "/admin/billing/ledgerentry/add/", NOBODY),
    Case("add revenue (page)", lambda c: "/admin/billing/additionalrevenue/add/", NOBODY),
    Case("add an entry", lambda c: "/admin/billing/ledgerentry/add/", REFUSED, "post", EDIT),
    Case(
        "add a transaction",
        lambda c: "/admin/billing/ledgertransaction/add/",
        REFUSED,
        "post",
        EDIT,
    ),
    Case("add revenue", lambda c: "/admin/billing/additionalrevenue/add/", REFUSED, "post", EDIT),
]
# a provider's clearing account is national
CLEARING = [
    Case("a provider's clearing account", _page(clearing), NATIONAL),
    Case("change a clearing account", _page(clearing), REFUSED, "post", EDIT),
]

PAIRS = (
    [(key, case) for case in CASES for key in KEYS]
    + [(key, case) for case in MORE_CASES for key in FEW]
    + [(key, case) for case in CLEARING for key in (*FEW, "national_inspector")]
)


@pytest.mark.parametrize(("key", "case"), PAIRS, ids=[f"{c.name}-{k}" for k, c in PAIRS])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)


# --- read-only, for everyone --------------------------------------------------------------


def test_every_billing_model_of_this_section_is_in_the_console() -> None:
    assert {a.model._meta.model_name for a in BILLING_ADMINS} >= MINE


@pytest.mark.parametrize(
    "model_admin",
    [a for a in BILLING_ADMINS if a.model._meta.model_name in MINE],
    ids=lambda a: a.model.__name__,
)
def test_nothing_is_writable_even_for_the_administrator(cast: Cast, model_admin: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = cast.users["admin"]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.get_actions(request) == {}
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)


@pytest.mark.parametrize("model", sorted(MINE))
def test_a_bulk_delete_is_not_offered_and_changes_nothing(
    client: Client, cast: Cast, model: str
) -> None:
    _both(cast)
    row = admin.site._registry[
        next(m for m in admin.site._registry if m._meta.model_name == model)
    ].model.objects.order_by("pk")[0]
    client.force_login(cast.users["admin"])
    page = client.get(f"/admin/billing/{model}/")
    assert page.status_code == 200
    assert b'name="action"' not in page.content
    before = snapshot()
    response = client.post(
        f"/admin/billing/{model}/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert response.status_code == 200  # the list again: there is no such action
    assert snapshot() == before


# --- what the pages show --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "tashkent", "samarkand"),
    [
        ("inspector", True, False),
        ("other_inspector", False, True),
        ("national_inspector", True, True),
        ("admin", True, True),
    ],
)
def test_each_inspector_lists_the_rows_of_their_region(
    client: Client, cast: Cast, key: str, tashkent: bool, samarkand: bool
) -> None:
    _both(cast)
    marks = {
        "ledgertransaction": (tk_transaction(cast), sa_transaction(cast)),
        "ledgerentry": (tk_entry(cast), sa_entry(cast)),
        "ledgeraccount": (tk_account(cast), sa_account(cast)),
        "additionalrevenue": (tk_revenue(cast), sa_revenue(cast)),
        "leasecontract": (tk_contract(cast), sa_contract(cast)),
        "leaseviolation": (tk_violation(cast), sa_violation(cast)),
    }
    client.force_login(cast.users[key])
    for model, (tk_row, sa_row) in marks.items():
        html = client.get(f"/admin/billing/{model}/").content.decode()
        change = f"/admin/billing/{model}/{{}}/change/"
        assert (change.format(tk_row.pk) in html) is tashkent, (model, "Tashkent")
        assert (change.format(sa_row.pk) in html) is samarkand, (model, "Samarkand")


def test_a_transaction_shows_its_entries_and_links_to_all_of_them(
    client: Client, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    txn = tk_transaction(cast)
    client.force_login(cast.users["inspector"])
    html = client.get(f"/admin/billing/ledgertransaction/{txn.pk}/change/").content.decode()
    assert html.count('class="form-row') >= 2 or html.count("<tr class=") >= 2
    assert f"?transaction__id__exact={txn.pk}" in html
    monkeypatch.setattr(billing_admin, "INLINE_ENTRIES", 1)
    response = client.get(f"/admin/billing/ledgertransaction/{txn.pk}/change/")
    (formset,) = [f for f in response.context["inline_admin_formsets"]]
    assert len(formset.formset.forms) == 1


def test_a_revenue_record_links_its_document_and_transaction(client: Client, cast: Cast) -> None:
    revenue = tk_revenue(cast)
    client.force_login(cast.users["inspector"])
    html = client.get(f"/admin/billing/additionalrevenue/{revenue.pk}/change/").content.decode()
    assert f"/billing/revenue/{revenue.pk}/document/" in html
    assert f"/admin/billing/ledgertransaction/{revenue.transaction_id}/change/" in html
    assert client.get(f"/billing/revenue/{revenue.pk}/document/").status_code == 200


def test_a_violation_links_the_company_whose_page_removes_it(client: Client, cast: Cast) -> None:
    violation = tk_violation(cast)
    client.force_login(cast.users["inspector"])
    html = client.get(f"/admin/billing/leaseviolation/{violation.pk}/change/").content.decode()
    assert f"/admin/organizations/managementcompany/{cast.mc.pk}/change/" in html
