"""Persona matrix: the register, applications and an MC's staff page."""

from __future__ import annotations

import pytest
from django.test import Client

from mening_uyim.demo import Cast
from tests.access import ALL, LOGIN, Case, check

pytestmark = pytest.mark.django_db

ROUTES = {
    "organizations:register",
    "organizations:apply",
    "organizations:staff",
    "api:register",
    "api:eligibility",
}

CASES = [
    Case(
        "own company staff",
        lambda c: f"/organizations/{c.mc.pk}/staff/",
        {
            "default": 404,
            "anonymous": LOGIN,
            "mc_director": 200,
            "mc_dispatcher": 200,
            "inspector": 200,
            "other_inspector": 200,
        },
    ),
    Case(
        "rival company staff",
        lambda c: f"/organizations/{c.rival_mc.pk}/staff/",
        {
            "default": 404,
            "anonymous": LOGIN,
            "rival_mc": 200,
            "inspector": 200,
            "other_inspector": 200,
        },
    ),
    Case("register", lambda c: "/organizations/", {"default": 200}),
    Case("apply", lambda c: "/organizations/apply/", {"default": 200, "anonymous": LOGIN}),
    Case(
        "apply with a bad TIN (write)",
        lambda c: "/organizations/apply/",
        {"default": 400, "anonymous": LOGIN},
        method="post",
        data={"name": "X", "tin": "12"},
    ),
    Case("api register", lambda c: "/api/v1/register/", {"default": 200}),
    Case("api eligibility", lambda c: f"/api/v1/register/{c.mc.pk}/eligibility/", {"default": 200}),
]


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)
