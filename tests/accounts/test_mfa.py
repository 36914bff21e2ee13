"""MFA for officials (issue 15, part 3): who is sent to enrolment from where, who is not,
and logging in with the authenticator app's code."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.security.session_keys import MFA_ENROLLED
from accounts.services import membership_grant, membership_revoke
from mening_uyim.demo import Cast
from tests.personas import PASSWORD, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MFA_STEP = "/accounts/2fa/authenticate/"
ENROL = "/accounts/2fa/totp/activate/"

# One page of each kind an official works on, the admin's every kind of path included.
ROLE_PAGES = [
    "/",
    "/registry/buildings/",
    "/registry/map/",
    "/organizations/",
    "/lots/",
    "/lots/council/",
    "/voting/",
    "/billing/",
    "/billing/reports/",
    "/billing/inspection/months/",
    "/dispatch/",
    "/dispatch/appeals/",
    "/admin/",
    "/admin/login/",
    "/admin/logout/",
    "/admin/jsi18n/",
    "/admin/accounts/person/",
    "/admin/accounts/user/1/change/",
    "/admin/no/such/page/",
]
OFFICIALS = ["inspector", "council", "mc_director", "mc_accountant", "admin"]


def _without_mfa(cast: Cast, key: str) -> User:
    if key == "mc_accountant":
        user = User.objects.create_user(email="accountant@demo.uz", password=PASSWORD)
        membership_grant(user=user, role=Role.MC_ACCOUNTANT, organization_id=cast.mc.pk)
        return user
    user = cast.users[key]
    Authenticator.objects.filter(user=user).delete()
    return user


def _log_in(client: Client, user: User) -> None:
    """The password login, then allauth's confirmation of the password that adding a
    second factor asks for (allauth 65 does not count the login itself as one)."""
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    response = client.get(ENROL)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": PASSWORD})


@pytest.mark.parametrize("key", OFFICIALS)
def test_an_official_without_mfa_is_sent_to_enrolment_from_every_role_page(
    client: Client, cast: Cast, key: str
) -> None:
    client.force_login(_without_mfa(cast, key))
    for url in ROLE_PAGES:
        response = client.get(url)
        assert response.status_code == 302, (key, url, response.status_code)
        assert response["Location"] == ENROL, (key, url)
    response = client.post("/lots/council/", {"anything": "1"})
    assert (response.status_code, response["Location"]) == (302, ENROL)
    assert client.get("/api/v1/lots/").status_code == 403
    htmx = client.get("/dispatch/queue/rows/", headers={"HX-Request": "true"})
    assert htmx.status_code == 204
    assert htmx["HX-Redirect"] == ENROL


def test_the_redirect_says_why(client: Client, cast: Cast) -> None:
    client.cookies["django_language"] = "en"
    client.force_login(_without_mfa(cast, "inspector"))
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[0] == (ENROL, 302)
    text = [str(m) for m in response.context["messages"]]
    assert any("two-factor authentication" in t for t in text), text


@pytest.mark.parametrize("key", ["owner", "mc_dispatcher", "neighbour"])
def test_an_owner_or_a_dispatcher_is_never_sent_to_enrolment(
    client: Client, cast: Cast, key: str
) -> None:
    user = cast.users[key]
    assert not Authenticator.objects.filter(user=user).exists()
    client.force_login(user)
    assert client.get("/").status_code == 200
    assert client.get("/registry/buildings/").status_code == 200


def test_a_technician_is_never_sent_to_enrolment(client: Client, cast: Cast) -> None:
    user = User.objects.create_user(email="tech@demo.uz", password=PASSWORD)
    membership_grant(user=user, role=Role.MC_TECHNICIAN, organization_id=cast.mc.pk)
    client.force_login(user)
    assert client.get("/").status_code == 200


def test_the_way_to_enrolment_stays_open(client: Client, cast: Cast) -> None:
    """No redirect loop: allauth's pages, the profile, the language switch, healthz."""
    _log_in(client, _without_mfa(cast, "inspector"))  # no MFA step: no authenticator
    for url in [ENROL, "/accounts/2fa/", "/accounts/sessions/", "/me/profile/", "/healthz"]:
        assert client.get(url).status_code == 200, url
    response = client.post("/i18n/setlang/", {"language": "ru", "next": ENROL})
    assert response["Location"] == ENROL


def test_an_official_enrols_and_reaches_the_admin(client: Client, cast: Cast) -> None:
    user = _without_mfa(cast, "inspector")
    _log_in(client, user)
    assert client.get("/admin/")["Location"] == ENROL
    page = client.get(ENROL)
    secret = page.context["form"].secret
    assert secret in page.content.decode()  # shown for typing into the app
    done = client.post(ENROL, {"code": totp_code(secret)})
    assert done.status_code == 302, done.content.decode()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    response = client.get("/admin/")
    assert response.status_code == 200
    assert client.session[MFA_ENROLLED] is True


def test_a_wrong_code_does_not_enrol(client: Client, cast: Cast) -> None:
    user = _without_mfa(cast, "council")
    _log_in(client, user)
    page = client.get(ENROL)
    wrong = f"{(int(totp_code(page.context['form'].secret)) + 1) % 10**6:06d}"
    assert client.post(ENROL, {"code": wrong}).status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()
    assert client.get("/lots/council/")["Location"] == ENROL


def test_an_enrolled_official_logs_in_with_the_apps_code(client: Client, cast: Cast) -> None:
    response = client.post(LOGIN, {"login": "inspector@demo.uz", "password": PASSWORD})
    assert response["Location"] == MFA_STEP
    assert "_auth_user_id" not in client.session  # not logged in before the second factor
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    wrong = f"{(int(totp_code()) + 500_000) % 10**6:06d}"
    assert client.post(MFA_STEP, {"code": wrong}).status_code == 200
    response = client.post(MFA_STEP, {"code": totp_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.users["inspector"].pk)
    assert client.session[MFA_ENROLLED] is True
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_logs_in_once(client: Client, cast: Cast) -> None:
    """A lost phone: one of the recovery codes stands in for the app's code, once."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(cast.users["council"]).generate_codes()
    client.post(LOGIN, {"login": "council@demo.uz", "password": PASSWORD})
    response = client.post(MFA_STEP, {"code": codes[0]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.users["council"].pk)
    assert client.get("/lots/council/").status_code == 200
    client.post("/accounts/logout/")
    client.post(LOGIN, {"login": "council@demo.uz", "password": PASSWORD})
    assert client.post(MFA_STEP, {"code": codes[0]}).status_code == 200  # used: refused
    assert "_auth_user_id" not in client.session
    assert client.post(MFA_STEP, {"code": codes[1]}).status_code == 302


def test_an_official_cannot_switch_mfa_off(client: Client, cast: Cast) -> None:
    client.cookies["django_language"] = "en"
    client.post(LOGIN, {"login": "council@demo.uz", "password": PASSWORD})
    client.post(MFA_STEP, {"code": totp_code()})
    reauthenticate = client.get(reverse("mfa_deactivate_totp"))["Location"]
    client.post(reauthenticate, {"password": PASSWORD})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "cannot switch it off" in response.content.decode()
    assert Authenticator.objects.filter(user=cast.users["council"]).exists()


def test_an_owner_may_enable_and_disable_mfa(client: Client, cast: Cast) -> None:
    owner = cast.users["owner"]
    _log_in(client, owner)
    page = client.get(ENROL)
    assert page.status_code == 200
    client.post(ENROL, {"code": totp_code(page.context["form"].secret)})
    assert Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).exists()
    client.get("/")  # not an official: nothing remembered, nothing asked
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=owner).exists()
    assert MFA_ENROLLED not in client.session  # forgotten with the authenticator
    assert client.get("/").status_code == 200


def test_a_new_official_role_asks_for_mfa_at_the_next_request(client: Client, cast: Cast) -> None:
    """The rule reads the roles of each request: a membership granted during a session
    applies at once."""
    owner = cast.users["owner"]
    client.force_login(owner)
    assert client.get("/").status_code == 200
    granted = membership_grant(
        user=owner, role=Role.COUNCIL_MEMBER, district_id=cast.other_district.pk
    )
    assert client.get("/")["Location"] == ENROL
    membership_revoke(membership=granted)  # the roles are cached across requests: the
    assert client.get("/").status_code == 200  # service voids them (accounts.receivers)


def test_the_demo_officials_are_enrolled_and_the_others_not(cast: Cast) -> None:
    enrolled = set(
        Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list(
            "user__email", flat=True
        )
    )
    assert enrolled == {
        "director@demo.uz",
        "rival@demo.uz",
        "council@demo.uz",
        "other-council@demo.uz",
        "inspector@demo.uz",
        "other-inspector@demo.uz",
        "admin@demo.uz",
    }
