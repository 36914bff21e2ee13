"""Every route of the project is in a persona matrix or on the public list
(ARCHITECTURE.md "Tests": a test fails when a URL is in no matrix)."""

from __future__ import annotations

import importlib

from django.urls import URLPattern, URLResolver, get_resolver

MATRICES = [
    "tests.accounts.test_access",
    "tests.accounts.test_phone_access",
    "tests.accounts.test_oneid_access",
    "tests.accounts.test_security_access",
    "tests.accounts.test_notify_access",
    "tests.organizations.test_access",
    "tests.buildings.test_access",
    "tests.lots.test_access",
    "tests.mening_uyim.test_access",
    "tests.voting.test_access",
    "tests.billing.test_bills_access",
    "tests.billing.test_access",
    "tests.billing.test_api_access",
    "tests.dispatch.test_access",
    "tests.dispatch.test_api",
]
# Third-party route sets with their own tests: allauth's account pages and Django's admin
# (the console's pages for the project's models are in the matrices above).
THIRD_PARTY = {"admin", "account"}
# Open to anyone: the API's root lists the endpoints (tests/mening_uyim/test_api_root.py).
PUBLIC: set[str] = {"api:root"}
# Machine-to-machine endpoints: no login, the caller is authenticated by a key or a signature
# (the payment providers). Their matrix, tests/billing/test_payments_access.py, checks that a
# browser session of every persona gets nothing more than the protocol's refusal, with no
# table changed.
MACHINE = {"api:payments-payme", "api:payments-click-prepare", "api:payments-click-complete"}


def _names(patterns: list, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in THIRD_PARTY or (not ns and "allauth" in str(p.urlconf_name)):
                continue
            names |= _names(p.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern) and p.name:
            names.add(f"{namespace}{p.name}")
    return names


def test_every_route_is_in_a_matrix() -> None:
    covered = set(PUBLIC) | MACHINE
    for module in MATRICES:
        covered |= importlib.import_module(module).ROUTES
    routes = _names(get_resolver().url_patterns)
    assert routes - covered == set(), "routes in no persona matrix"
    assert covered - routes == set(), "matrix names that are no route"
