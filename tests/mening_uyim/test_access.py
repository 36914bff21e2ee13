"""Persona matrix: the system pages (health, the API schema and its documentation)."""

from __future__ import annotations

import pytest
from django.test import Client

from mening_uyim.demo import Cast
from tests.access import ALL, Case, check

pytestmark = pytest.mark.django_db

ROUTES = {"healthz", "schema", "swagger-ui", "set_language"}

CASES = [
    Case("healthz", lambda c: "/healthz", {"default": 200}),
    Case("api schema", lambda c: "/api/schema/", {"default": 200}),
    Case("api docs", lambda c: "/api/docs/", {"default": 200}),
    Case(
        "set language",
        lambda c: "/i18n/setlang/",
        {"default": 302},
        method="post",
        data={"language": "ru", "next": "/"},
    ),
]


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)
