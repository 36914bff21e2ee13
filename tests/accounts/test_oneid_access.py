"""Persona matrix of OneID's pages (accounts.oneid) and of the embedded OneID stand-in's
routes, which are machine routes mounted only with ONEID_FAKE; the button's rule; the
settings' rules (the stand-in is absent when off, and refused in production)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from mening_uyim.demo import Cast
from tests.access import ALL, LOGIN, Case, check, snapshot

pytestmark = pytest.mark.django_db

FAKE_ROUTES = {"fake_oneid:authorization", "fake_oneid:consent"}
ROUTES = {"accounts:oneid-unmatched"} | (FAKE_ROUTES if settings.ONEID_FAKE else set())

AUTHORIZE = "/fake-oneid/sso/oauth/Authorization.do"

CASES = [
    Case("unmatched page", lambda c: "/me/oneid/unmatched/", {"default": 200, "anonymous": LOGIN}),
]
if settings.ONEID_FAKE:
    CASES += [
        # without a registered client the stand-in answers nobody, whoever is logged in
        Case("stand-in consent page", lambda c: AUTHORIZE, {"default": 400}),
        Case(
            "stand-in token endpoint",
            lambda c: AUTHORIZE,
            {"default": 401},
            method="post",
            data={"grant_type": "one_authorization_code", "code": "x"},
        ),
        Case(
            "stand-in consent answer",
            lambda c: "/fake-oneid/sso/oauth/consent/",
            {"default": 400},
            method="post",
            data={"decision": "allow", "pin": "31505850010011"},
        ),
    ]


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_access(client: Client, cast: Cast, key: str, case: Case, settings: Any) -> None:
    settings.ONEID_CLIENT_ID = "registered-client"
    settings.ONEID_CLIENT_SECRET = "registered-secret"
    check(client, cast, key, case)


def test_the_unmatched_page_of_a_linked_login_points_home(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["owner"])
    page = client.get("/me/oneid/unmatched/")
    assert page.status_code == 200
    assert page.context["person"] == cast.users["owner"].person
    assert page.context["oneid"] is None  # no OneID account: nothing of OneID to show


@pytest.mark.parametrize(
    ("client_id", "secret", "shown"),
    [("", "", False), ("id", "", False), ("", "secret", False), ("id", "secret", True)],
)
def test_the_button_shows_only_with_a_client_id_and_secret(
    client: Client, settings: Any, client_id: str, secret: str, shown: bool
) -> None:
    settings.ONEID_CLIENT_ID = client_id
    settings.ONEID_CLIENT_SECRET = secret
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert (b'id="oneid-login"' in page.content) is shown


def test_without_a_client_oneids_sign_in_routes_are_404_and_change_nothing(
    client: Client, settings: Any, cast: Cast
) -> None:
    settings.ONEID_CLIENT_ID = ""
    settings.ONEID_CLIENT_SECRET = ""
    before = snapshot()
    assert client.post("/accounts/oneid/login/").status_code == 404
    assert client.get("/accounts/oneid/login/callback/?code=x&state=y").status_code == 404
    assert snapshot() == before


def test_password_sign_up_stays_closed(client: Client) -> None:
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    assert b"password1" not in page.content  # allauth's "sign up closed" page


def _settings_process(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ONEID_", "DJANGO_"))}
    environment.update(DJANGO_SETTINGS_MODULE="mening_uyim.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


ROUTE_NAMES = (
    "from django.urls import get_resolver\n"
    "from tests.test_routes import _names\n"
    "from django.conf import settings\n"
    "print(settings.ONEID_FAKE, sorted(n for n in _names(get_resolver().url_patterns)"
    " if n.startswith('fake_oneid:')))\n"
    "from django.urls import resolve, Resolver404\n"
    "try:\n    resolve('/fake-oneid/sso/oauth/Authorization.do'); print('mounted')\n"
    "except Resolver404:\n    print('absent')\n"
)


def test_the_stand_in_is_absent_when_oneid_fake_is_off() -> None:
    done = _settings_process(ROUTE_NAMES, DJANGO_ENV="development", ONEID_FAKE="0")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["False []", "absent"]


def test_the_stand_in_is_on_by_default_in_development() -> None:
    done = _settings_process(ROUTE_NAMES, DJANGO_ENV="development")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == [
        "True ['fake_oneid:authorization', 'fake_oneid:consent']",
        "mounted",
    ]


def test_a_real_client_id_turns_the_stand_in_off_by_default() -> None:
    done = _settings_process(
        ROUTE_NAMES,
        DJANGO_ENV="development",
        ONEID_CLIENT_ID="real",
        ONEID_CLIENT_SECRET="real",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["False []", "absent"]


PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "p" * 60,
    "DJANGO_ALLOWED_HOSTS": "uy.example.uz",
    "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/none",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://127.0.0.1:25",
}


def test_production_refuses_the_stand_in() -> None:
    done = _settings_process("print('started')", **PRODUCTION, ONEID_FAKE="1")
    assert done.returncode != 0
    assert "ONEID_FAKE must not be on when DJANGO_ENV=production" in done.stderr


def test_production_has_no_demo_client_and_no_stand_in() -> None:
    code = (
        "from django.conf import settings as s\n"
        "print(s.ONEID_FAKE, repr(s.ONEID_CLIENT_ID), repr(s.ONEID_CLIENT_SECRET),"
        " s.ONEID_BASE_URL)"
    )
    done = _settings_process(code, **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False '' '' https://sso.egov.uz"


def test_production_wants_an_https_oneid() -> None:
    done = _settings_process(
        "print('started')",
        **PRODUCTION,
        ONEID_CLIENT_ID="c",
        ONEID_CLIENT_SECRET="s",
        ONEID_BASE_URL="http://sso.egov.uz",
    )
    assert done.returncode != 0
    assert "ONEID_BASE_URL must be an https:// address" in done.stderr


def test_the_profile_snippet_shows_what_oneid_said(cast: Cast, rf: Any) -> None:
    from allauth.socialaccount.models import SocialAccount
    from django.template.loader import render_to_string

    owner = cast.users["owner"]
    assert "oneid-profile" not in render_to_string("oneid/_profile.html", {"user": owner})
    SocialAccount.objects.create(
        user=owner,
        provider="oneid",
        uid=owner.person.pinfl,
        extra_data={"pin": owner.person.pinfl, "full_name": "KARIMOV AZIZ", "mob_phone_no": ""},
    )
    shown = render_to_string("oneid/_profile.html", {"user": owner})
    assert "KARIMOV AZIZ" in shown
