"""Persona matrix of the SMS sign-in pages (accounts.phone_login): open to anonymous
visitors; every persona, already logged in, is sent home, and no table changes (a code
request writes a row only for a well-formed number from a visitor)."""

from __future__ import annotations

import pytest
from django.test import Client

from mening_uyim.demo import Cast
from tests.access import ALL, Case, check

pytestmark = pytest.mark.django_db

ROUTES = {"accounts:phone-login", "accounts:phone-login-code"}

CASES = [
    Case("phone form", lambda c: "/me/phone/", {"default": 302, "anonymous": 200}),
    Case(
        "phone request (write, malformed number)",
        lambda c: "/me/phone/",
        {"default": 302, "anonymous": 400},
        method="post",
        data={"phone": "12"},
    ),
    # without a number asked for in this session: back to the number
    Case("code form", lambda c: "/me/phone/code/", {"default": 302}),
    Case(
        "code (write)",
        lambda c: "/me/phone/code/",
        {"default": 302},
        method="post",
        data={"code": "123456"},
    ),
]


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)


@pytest.mark.parametrize("key", ALL)
def test_a_persona_asking_a_code_for_their_own_number_is_sent_home(
    client: Client, cast: Cast, key: str
) -> None:
    """A logged-in persona gets no code (302 home, no row); a visitor asking for the
    owner persona's number gets the neutral redirect to the code page."""
    from accounts.models import LoginCode

    phone = cast.users["owner"].phone
    if key != "anonymous":
        client.force_login(cast.users[key])
    response = client.post("/me/phone/", {"phone": phone})
    if key == "anonymous":
        assert response["Location"] == "/me/phone/code/"
        assert LoginCode.objects.filter(phone=phone).count() == 1
    else:
        assert response["Location"] == "/"
        assert LoginCode.objects.count() == 0
