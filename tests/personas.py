"""The standard cast of ARCHITECTURE.md "Personas", as pytest fixtures.

The cast itself is built by ``mening_uyim.demo.personas_ensure``: the same code that
loads `make run`'s demo data, so the demo and the tests cannot drift apart.
"""

from __future__ import annotations

import pytest

from accounts.models import User
from mening_uyim.demo import Cast, personas_ensure

PASSWORD = "Test-Parol-2026"
PERSONA_KEYS = (
    "owner",
    "co_owner",
    "neighbour",
    "outsider",
    "mc_director",
    "mc_dispatcher",
    "rival_mc",
    "council",
    "other_council",
    "inspector",
    "other_inspector",
)


@pytest.fixture
def cast(db: None) -> Cast:
    return personas_ensure(password=PASSWORD)


def _persona(key: str):
    @pytest.fixture(name=key)
    def fixture(cast: Cast) -> User:
        return cast.users[key]

    return fixture


for _key in PERSONA_KEYS:
    globals()[_key] = _persona(_key)


@pytest.fixture
def persona(request: pytest.FixtureRequest, cast: Cast) -> User | None:
    """Indirect parametrisation: ``@pytest.mark.parametrize("persona", [...], indirect=True)``.

    ``"anonymous"`` gives ``None``.
    """
    key = request.param
    return None if key == "anonymous" else cast.users[key]
