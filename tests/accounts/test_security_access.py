"""Persona matrix of the MFA and sessions pages (issue 15, part 3).

The pages are allauth's (``/accounts/2fa/``, ``/accounts/sessions/``) and the admin's (the
User admin's MFA reset, the record of resets), outside tests/test_routes.py's project
namespaces; accounts.security adds no route of its own, so ``ROUTES`` is empty.
"""

from __future__ import annotations

import pytest
from django.test import Client

from mening_uyim.demo import Cast
from tests.access import ALL, LOGIN, Case, check

pytestmark = pytest.mark.django_db

ROUTES: set[str] = set()

CASES = [
    Case("mfa index", lambda c: "/accounts/2fa/", {"default": 200, "anonymous": LOGIN}),
    Case("sessions", lambda c: "/accounts/sessions/", {"default": 200, "anonymous": LOGIN}),
    Case(
        "admin mfa reset",
        lambda c: f"/admin/accounts/user/{c.users['council'].pk}/mfa-reset/",
        {"default": 403, "anonymous": LOGIN, "inspector": 404, "other_inspector": 404},
    ),
    Case(
        "admin mfa reset (write)",
        lambda c: f"/admin/accounts/user/{c.users['council'].pk}/mfa-reset/",
        {"default": (302, 403), "anonymous": LOGIN, "inspector": 404, "other_inspector": 404},
        method="post",
        data={"reason": "lost phone"},
    ),
    Case(
        "admin mfa resets",
        lambda c: "/admin/accounts/mfareset/",
        {"default": 403, "anonymous": LOGIN, "inspector": 403, "other_inspector": 403},
    ),
]


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)
