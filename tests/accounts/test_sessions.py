"""Sessions (issue 13, point 6): the session key changes at login (no fixation) and at
logout; the production settings make the session, CSRF and language cookies Secure and
the session cookie HttpOnly (and redirect to HTTPS with HSTS)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.test import Client

from accounts.models import User
from tests.mening_uyim.test_settings import PROD_ENV, ROOT
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def test_the_session_key_rotates_at_login_and_logout(client: Client, owner: User) -> None:
    client.get(LOGIN)
    session = client.session
    session["planted"] = "by an attacker"  # a session the visitor had before logging in
    session.save()
    before = session.session_key
    assert client.cookies["sessionid"].value == before
    response = client.post(LOGIN, {"login": "owner@demo.uz", "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert client.session["_auth_user_id"] == str(owner.pk)
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=before).exists()
    client.post("/accounts/logout/")
    assert client.cookies["sessionid"].value != after
    assert not Session.objects.filter(session_key=after).exists()


def test_cookie_flags_outside_production(client: Client, owner: User) -> None:
    response = client.post(LOGIN, {"login": "owner@demo.uz", "password": PASSWORD})
    assert response.cookies["sessionid"]["httponly"]


_PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "language_secure": settings.LANGUAGE_COOKIE_SECURE,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
}))
"""


def test_production_cookies_are_secure_and_http_only() -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(PROD_ENV, DJANGO_SETTINGS_MODULE="mening_uyim.settings")
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + _PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    flags = json.loads(done.stdout)
    assert flags == {
        "session_secure": True,
        "session_httponly": True,
        "csrf_secure": True,
        "language_secure": True,
        "ssl_redirect": True,
        "hsts": 31_536_000,
    }
