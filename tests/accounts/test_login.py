"""Login with email or phone, wrong passwords, rate limits (429), logout, password reset."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client: Client, login: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_uzbek_by_default(client: Client) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert '<html lang="uz">' in response.content.decode()


def test_owner_logs_in_with_email(client: Client, owner: User) -> None:
    response = _login(client, "owner@demo.uz")
    assert response.status_code == 302
    assert client.get("/").context["user"] == owner


@pytest.mark.parametrize("spelling", ["+998901000001", "+998 90 100-00-01", "998901000001"])
def test_owner_logs_in_with_phone_in_any_usual_spelling(
    client: Client, owner: User, spelling: str
) -> None:
    response = _login(client, spelling)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/").context["user"] == owner


def test_wrong_password_shows_the_form_error(client: Client, owner: User) -> None:
    response = _login(client, "owner@demo.uz", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_too_many_login_attempts_answer_429(client: Client, owner: User, settings) -> None:
    statuses = [_login(client, "owner@demo.uz", f"wrong-{i}").status_code for i in range(12)]
    assert 429 in statuses
    first_429 = statuses.index(429)
    assert all(s == 200 for s in statuses[:first_429])
    # The right password does not get through the limit either.
    assert _login(client, "owner@demo.uz").status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_login_is_rate_limited_too(client: Client, inspector: User) -> None:
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    statuses = [_login(client, "inspector@demo.uz", f"bad-{i}").status_code for i in range(12)]
    assert 429 in statuses


def test_logout_ends_the_session(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email(client: Client, owner: User) -> None:
    response = client.post("/accounts/password/reset/", {"email": "owner@demo.uz"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "owner@demo.uz" in mail.outbox[0].to


def test_signup_is_closed(client: Client) -> None:
    before = User.objects.count()
    client.post(
        "/accounts/signup/",
        {"email": "new@demo.uz", "password1": "Xy-12345678", "password2": "Xy-12345678"},
    )
    assert User.objects.count() == before
