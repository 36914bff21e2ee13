"""The standard cast of ARCHITECTURE.md "Personas", as pytest fixtures.

The cast itself is built by ``mening_uyim.demo.personas_ensure``: the same code that
loads `make run`'s demo data, so the demo and the tests cannot drift apart. It runs once
per test process; each test's ``cast`` writes back the rows it made (tests.cast_rows).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from typing import Any

import pytest

from accounts.models import User
from accounts.security.totp import DEMO_TOTP_SECRET
from mening_uyim.demo import Cast
from tests import cast_rows

PASSWORD = "Test-Parol-2026"
# The officials of the cast (inspectors, council members, MC directors, the administrator)
# are enrolled in TOTP with this secret (mening_uyim.demo); ``totp_code`` answers
# allauth's MFA step for them.
TOTP_SECRET = DEMO_TOTP_SECRET


def totp_code(secret: str = TOTP_SECRET, at: float | None = None, step: int = 0) -> str:
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits), computed here rather than with the site's
    code, so that a test checks the site against the standard; ``step`` moves one period
    on (allauth accepts one period either side and refuses a code used twice)."""
    counter = int((time.time() if at is None else at) // 30) + step
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 10**6:06d}"


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


@pytest.fixture(scope="session")
def _cast_rows_taken(django_db_setup: None, django_db_blocker: Any) -> None:
    """The cast's rows, made once per test process (tests.cast_rows)."""
    with django_db_blocker.unblock():
        cast_rows.fresh(PASSWORD)


@pytest.fixture
def cast(_cast_rows_taken: None, db: None) -> Cast:
    return cast_rows.cast(PASSWORD)


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
