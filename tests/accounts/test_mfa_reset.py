"""A lost device: an administrator resets a login's MFA (accounts.security.services.mfa_reset),
from the User admin; the reset is recorded and shown read-only."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.models import MfaReset, Role, User
from accounts.security.services import (
    MSG_RESET_ADMIN_ONLY,
    MSG_RESET_NOTHING,
    MSG_RESET_OWN,
    MSG_RESET_REASON_REQUIRED,
    SecurityError,
    mfa_reset,
)
from accounts.services import membership_grant
from mening_uyim.demo import Cast
from tests.personas import PASSWORD, totp_code

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
MFA_STEP = "/accounts/2fa/authenticate/"


def _form_login(client: Client, email: str | None) -> None:
    client.post(LOGIN, {"login": email, "password": PASSWORD})
    client.post(MFA_STEP, {"code": totp_code()})


def test_a_reset_removes_the_factors_records_it_and_ends_the_sessions(cast: Cast) -> None:
    inspector, admin = cast.users["inspector"], cast.users["admin"]
    RecoveryCodes.activate(inspector)
    phone = Client()
    _form_login(phone, inspector.email)
    assert UserSession.objects.filter(user=inspector).count() == 1
    record = mfa_reset(user=inspector, by=admin, reason="  Telefon yo'qoldi  ")
    assert not Authenticator.objects.filter(user=inspector).exists()
    assert record.removed == ["recovery_codes", "totp"]
    assert (record.user, record.by, record.reason) == (inspector, admin, "Telefon yo'qoldi")
    assert not UserSession.objects.filter(user=inspector).exists()
    assert not Session.objects.filter(session_key=phone.cookies["sessionid"].value).exists()
    # the next login has no MFA step, and the official is sent to enrolment
    client = Client()
    response = client.post(LOGIN, {"login": inspector.email, "password": PASSWORD})
    assert response["Location"] == "/"
    assert client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reset_needs_a_reason(cast: Cast, reason: str) -> None:
    with pytest.raises(SecurityError) as caught:
        mfa_reset(user=cast.users["inspector"], by=cast.users["admin"], reason=reason)
    assert caught.value.message == str(MSG_RESET_REASON_REQUIRED)
    assert Authenticator.objects.filter(user=cast.users["inspector"]).exists()
    assert not MfaReset.objects.exists()


@pytest.mark.parametrize("by", ["inspector", "other_inspector", "council", "owner", "national"])
def test_only_an_administrator_may_reset(cast: Cast, by: str) -> None:
    if by == "national":
        actor = User.objects.create_user(email="national@demo.uz", password=PASSWORD)
        membership_grant(user=actor, role=Role.INSPECTOR)
    else:
        actor = cast.users[by]
    with pytest.raises(SecurityError) as caught:
        mfa_reset(user=cast.users["council"], by=actor, reason="lost")
    assert caught.value.message == str(MSG_RESET_ADMIN_ONLY)
    assert Authenticator.objects.filter(user=cast.users["council"]).exists()
    assert not MfaReset.objects.exists()


def test_an_administrator_cannot_reset_their_own(cast: Cast) -> None:
    with pytest.raises(SecurityError) as caught:
        mfa_reset(user=cast.users["admin"], by=cast.users["admin"], reason="lost")
    assert caught.value.message == str(MSG_RESET_OWN)


def test_nothing_to_reset(cast: Cast) -> None:
    with pytest.raises(SecurityError) as caught:
        mfa_reset(user=cast.users["owner"], by=cast.users["admin"], reason="lost")
    assert caught.value.message == str(MSG_RESET_NOTHING)
    assert not MfaReset.objects.exists()


def _reset_url(user: User) -> str:
    return f"/admin/accounts/user/{user.pk}/mfa-reset/"


def test_the_admin_page_resets_with_a_reason(client: Client, cast: Cast) -> None:
    inspector = cast.users["inspector"]
    client.force_login(cast.users["admin"])
    change = client.get(f"/admin/accounts/user/{inspector.pk}/change/")
    assert _reset_url(inspector) in change.content.decode()
    page = client.get(_reset_url(inspector))
    assert page.status_code == 200
    refused = client.post(_reset_url(inspector), {"reason": ""})
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert Authenticator.objects.filter(user=inspector).exists()
    done = client.post(_reset_url(inspector), {"reason": "Lost phone, ticket 42"})
    assert done.status_code == 302
    assert done["Location"] == f"/admin/accounts/user/{inspector.pk}/change/"
    reset = MfaReset.objects.get()
    assert (reset.user, reset.by, reset.reason, reset.removed) == (
        inspector,
        cast.users["admin"],
        "Lost phone, ticket 42",
        ["totp"],
    )
    assert not Authenticator.objects.filter(user=inspector).exists()
    again = client.post(_reset_url(inspector), {"reason": "again"})
    assert str(MSG_RESET_NOTHING) in again.content.decode()


def test_the_admin_reset_page_is_not_the_inspectors(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["inspector"])
    target = cast.users["council"]
    assert client.get(_reset_url(target)).status_code == 404
    assert client.post(_reset_url(target), {"reason": "x"}).status_code == 404
    assert Authenticator.objects.filter(user=target).exists()


def test_resets_are_shown_read_only(client: Client, cast: Cast) -> None:
    mfa_reset(user=cast.users["council"], by=cast.users["admin"], reason="lost")
    record = MfaReset.objects.get()
    client.force_login(cast.users["admin"])
    listing = client.get("/admin/accounts/mfareset/")
    assert listing.status_code == 200
    assert "council@demo.uz" in listing.content.decode()
    detail = client.get(f"/admin/accounts/mfareset/{record.pk}/change/")
    assert detail.status_code == 200
    assert 'name="reason"' not in detail.content.decode()
    assert client.get("/admin/accounts/mfareset/add/").status_code == 403
    assert client.post(f"/admin/accounts/mfareset/{record.pk}/delete/").status_code == 403
    assert MfaReset.objects.count() == 1
