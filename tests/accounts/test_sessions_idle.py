"""Sessions (issue 15, part 3): an official's session ends after
OFFICIAL_SESSION_IDLE_SECONDS idle (the clock frozen at the boundary), anyone's ends only
with the cookie; every user sees their sessions and ends the others; a login rotates
the session key, the MFA step included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.security.session_keys import LAST_SEEN
from mening_uyim.demo import Cast
from tests.personas import PASSWORD, totp_code

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
MFA_STEP = "/accounts/2fa/authenticate/"
T0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _idle(settings) -> dt.timedelta:
    return dt.timedelta(seconds=settings.OFFICIAL_SESSION_IDLE_SECONDS)


@pytest.mark.parametrize("key", ["inspector", "council", "mc_director", "admin"])
def test_an_officials_session_ends_just_past_the_idle_time(
    client: Client, cast: Cast, key: str, settings
) -> None:
    assert settings.OFFICIAL_SESSION_IDLE_SECONDS == 1800
    client.cookies["django_language"] = "en"  # the message's text, below
    with at(T0):
        client.force_login(cast.users[key])
    with at(T0 + _idle(settings)):
        assert client.get("/").status_code == 200  # exactly the idle time: still in
    with at(T0 + 2 * _idle(settings)):
        assert client.get("/").status_code == 200  # the last request counted as activity
    with at(T0 + 3 * _idle(settings) + dt.timedelta(seconds=1)):
        response = client.get("/lots/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Flots%2F%3Fpage%3D2"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "30 minutes without activity" in page.content.decode()


def test_the_boundary_second(client: Client, cast: Cast, settings) -> None:
    with at(T0):
        client.force_login(cast.users["inspector"])
    with at(T0 + _idle(settings) + dt.timedelta(seconds=1)):
        assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_owner_or_dispatcher_is_not_logged_out_when_idle(client: Client, cast: Cast) -> None:
    for key in ("owner", "mc_dispatcher"):
        with at(T0):
            client.force_login(cast.users[key])
        with at(T0 + dt.timedelta(hours=10)):
            assert client.get("/").status_code == 200
            assert client.session["_auth_user_id"] == str(cast.users[key].pk)


def test_activity_is_written_at_most_once_a_minute(client: Client, cast: Cast) -> None:
    with at(T0):
        client.force_login(cast.users["inspector"])
    stamp = int(T0.timestamp())
    assert client.session[LAST_SEEN] == stamp
    with at(T0 + dt.timedelta(seconds=59)):
        client.get("/")
    assert client.session[LAST_SEEN] == stamp  # no session write for this request
    with at(T0 + dt.timedelta(seconds=60)):
        client.get("/")
    assert client.session[LAST_SEEN] == stamp + 60


def test_the_api_answers_an_expired_official_as_anonymous(client: Client, cast: Cast) -> None:
    with at(T0):
        client.force_login(cast.users["inspector"])
    with at(T0 + dt.timedelta(hours=1)):
        assert client.get("/api/v1/me/").status_code in (401, 403)
    assert "_auth_user_id" not in client.session


def _anonymous_session(client: Client) -> str:
    client.get(LOGIN)
    session = client.session
    session["seen"] = "before logging in"
    session.save()
    assert client.cookies["sessionid"].value == session.session_key
    return session.session_key


def test_a_login_with_the_mfa_step_rotates_the_session_key(client: Client, cast: Cast) -> None:
    before = _anonymous_session(client)
    client.post(LOGIN, {"login": "inspector@demo.uz", "password": PASSWORD})
    response = client.post(MFA_STEP, {"code": totp_code()})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert client.session["_auth_user_id"] == str(cast.users["inspector"].pk)
    assert not Session.objects.filter(session_key=before).exists()


def test_a_password_login_rotates_the_session_key(client: Client, cast: Cast) -> None:
    before = _anonymous_session(client)
    client.post(LOGIN, {"login": "neighbour@demo.uz", "password": PASSWORD})
    assert client.cookies["sessionid"].value != before
    assert client.session["_auth_user_id"] == str(cast.users["neighbour"].pk)


def test_the_sessions_page_lists_them_in_the_site_layout_and_ends_the_others(
    cast: Cast,
) -> None:
    laptop, phone = Client(HTTP_USER_AGENT="Laptop"), Client(HTTP_USER_AGENT="Phone")
    for client in (laptop, phone):
        client.post(LOGIN, {"login": "owner@demo.uz", "password": PASSWORD})
    assert UserSession.objects.filter(user=cast.users["owner"]).count() == 2
    page = laptop.get("/accounts/sessions/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="container site-header"' in html  # base.html's header and navigation
    assert "· Mening Uyim</title>" in html
    assert "Laptop" in html
    assert "Phone" in html
    laptop.post("/accounts/sessions/")
    assert phone.get("/me/profile/").status_code == 302  # logged out
    assert laptop.get("/me/profile/").status_code == 200
    assert UserSession.objects.filter(user=cast.users["owner"]).count() == 1


def test_the_profile_links_the_mfa_and_sessions_pages(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["owner"])
    html = client.get("/me/profile/").content.decode()
    assert 'href="/accounts/2fa/"' in html
    assert 'href="/accounts/sessions/"' in html
