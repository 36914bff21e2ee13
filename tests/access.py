"""The persona matrix's shared parts (ARCHITECTURE.md "Tests"): every protected page and
endpoint, for every persona. Anonymous → the login page (401 on the API); a wrong
persona → 404 (or 403) with **no change in any table**; the right persona → 200.

Each app's ``tests/<app>/test_access.py`` lists its routes as ``Case`` rows and declares
the route names it covers in ``ROUTES``; ``tests/test_routes.py`` fails when a route of
the project is in no matrix and not on the public list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.test import Client

from mening_uyim.demo import Cast
from tests.personas import PERSONA_KEYS

ALL = ("anonymous", *PERSONA_KEYS)
LOGIN = "login"
PROJECT_APPS = (
    "territory",
    "accounts",
    "organizations",
    "buildings",
    "lots",
    "dispatch",
    "voting",
    "billing",
    "mening_uyim",
)
# written by every request of a logged-in user, not by what the request asks for
VOLATILE = {"accounts.user": {"last_login"}}


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable[[Cast], str]
    expect: dict[str, Any]
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)

    def expected_for(self, key: str) -> Any:
        return self.expect.get(key, self.expect["default"])


def snapshot() -> dict[str, tuple]:
    """Every row of every table of the project's apps (program items, decisions,
    amendments, ownership … included)."""
    state: dict[str, tuple] = {}
    for config in (apps.get_app_config(label) for label in PROJECT_APPS):
        for model in config.get_models():
            label = model._meta.label_lower
            skip = VOLATILE.get(label, set())
            names = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
            state[label] = tuple(model._default_manager.order_by("pk").values_list(*names))
    return state


def check(client: Client, cast: Cast, key: str, case: Case) -> None:
    """Request ``case`` as ``key`` and check the status and that nothing changed."""
    expected = case.expected_for(key)
    if key != "anonymous":
        client.force_login(cast.users[key])
    target = case.url(cast)
    before = snapshot()
    if case.method == "get":
        response = client.get(target, follow=(expected == 403 and key != "anonymous"))
    else:
        response = getattr(client, case.method)(target, case.data)
    if expected == LOGIN:
        assert response.status_code == 302, (case.name, key, response.status_code)
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/"))
    elif isinstance(expected, tuple):
        assert response.status_code in expected, (case.name, key, response.status_code)
    else:
        assert response.status_code == expected, (case.name, key, response.status_code)
    assert snapshot() == before, (case.name, key)
