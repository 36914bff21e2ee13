"""Persona matrix: the home page, the profile, the console and the people in it."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Person
from mening_uyim.demo import Cast
from tests.access import ALL, LOGIN, Case, check
from tests.mening_uyim.test_homes import HOME_QUERIES
from tests.personas import PERSONA_KEYS

pytestmark = pytest.mark.django_db

ROUTES = {"home", "accounts:profile", "api:me"}


def council_person(c: Cast) -> int:
    return Person.objects.get(user=c.users["council"]).pk


CASES = [
    Case("home", lambda c: "/", {"default": 200}),
    Case("profile", lambda c: "/me/profile/", {"default": 200, "anonymous": LOGIN}),
    Case("api me", lambda c: "/api/v1/me/", {"default": 200, "anonymous": 401}),
    Case(
        "inspection console",
        lambda c: "/admin/",
        {"default": 403, "anonymous": LOGIN, "inspector": 200, "other_inspector": 200},
    ),
    Case(
        "admin people",
        lambda c: "/admin/accounts/person/",
        {"default": 403, "anonymous": LOGIN, "inspector": 200, "other_inspector": 200},
    ),
    Case(
        "admin owner's person",
        lambda c: f"/admin/accounts/person/{c.users['owner'].person.pk}/change/",
        {"default": 403, "anonymous": LOGIN, "inspector": 200, "other_inspector": 404},
    ),
    Case(
        "admin council member's person",
        lambda c: f"/admin/accounts/person/{council_person(c)}/change/",
        {"default": 403, "anonymous": LOGIN, "inspector": 404, "other_inspector": 404},
    ),
    Case(
        "admin login links",
        lambda c: "/admin/accounts/loginlink/",
        {"default": 403, "anonymous": LOGIN, "inspector": 403, "other_inspector": 403},
    ),
    Case(
        "profile phone (write)",
        lambda c: "/me/profile/",
        {"default": 400, "anonymous": LOGIN},
        method="post",
        data={"phone": "12"},  # an invalid phone: refused for everyone, nothing changes
    ),
]


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)


@pytest.mark.parametrize("key", PERSONA_KEYS)
def test_home_page_query_count_is_pinned(
    client: Client, cast: Cast, key: str, django_assert_max_num_queries
) -> None:
    """Each role's home gathers its work (tests/mening_uyim/test_homes.py pins each
    role's count as the rows grow); no persona's home costs more than the largest."""
    client.force_login(cast.users[key])
    client.get("/")  # a warm request: the roles are cached across requests (accounts.permissions)
    with django_assert_max_num_queries(max(HOME_QUERIES.values())):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/me/profile/", {"phone": "+998909999999"}),
        ("patch", "/api/v1/me/", {"phone": "+998909999999"}),
    ],
)
def test_anonymous_writes_change_nothing(client: Client, cast: Cast, method, url, data) -> None:
    from tests.access import snapshot

    before = snapshot()
    response = (
        client.patch(url, data, content_type="application/json")
        if method == "patch"
        else client.post(url, data)
    )
    assert response.status_code in (302, 401, 403)
    assert snapshot() == before
