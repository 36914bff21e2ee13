"""OneID sign-in end to end over HTTP: the site and the embedded OneID stand-in
(accounts/oneid/fake.py) served by ``live_server``, a ``requests`` session as the
browser, the provider's server-to-server calls (token, identity) real HTTP to the same
server. Nothing of accounts.oneid is mocked."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import include, path
from django.utils import timezone

from accounts.models import LoginLink, Person, User
from accounts.oneid import adapter as oneid_adapter
from accounts.oneid import identity as oneid_identity
from accounts.oneid import services as oneid_services
from mening_uyim import urls as site_urls

# This module is its own URLconf: the site's, with the stand-in mounted even where the
# environment turned ONEID_FAKE off (the default mounts it already).
urlpatterns: list[Any] = list(site_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "fake_oneid" for p in urlpatterns):
    urlpatterns.append(
        path("fake-oneid/", include("accounts.oneid.fake_urls", namespace="fake_oneid"))
    )
handler400 = site_urls.handler400
handler404 = site_urls.handler404
handler500 = site_urls.handler500

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

CLIENT_ID = "mening-uyim-test"
CLIENT_SECRET = "test-secret-0123"
NEW_OWNER_PINFL = "32010900012345"
UNKNOWN_PINFL = "51503050099887"


class _Forms(HTMLParser):
    """The inputs of each form of a page, by form id."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._current = self.forms.setdefault(a.get("id") or "", {})
        elif tag == "input" and self._current is not None and a.get("name"):
            checkable = a.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in a:
                return
            value = a.get("value")
            self._current[a["name"] or ""] = html.unescape(value or ("on" if checkable else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms_of(page: str) -> dict[str, dict[str, str]]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


class Browser:
    """A cookie-keeping HTTP client that follows nothing by itself."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def url(self, target: str) -> str:
        return target if target.startswith("http") else self.base + target

    def get(self, target: str) -> requests.Response:
        return self.session.get(self.url(target), allow_redirects=False, timeout=15)

    def post(self, target: str, data: dict[str, str]) -> requests.Response:
        return self.session.post(self.url(target), data=data, allow_redirects=False, timeout=15)

    def follow(self, response: requests.Response) -> requests.Response:
        while response.status_code in (301, 302, 303):
            response = self.get(response.headers["Location"])
        return response

    def start(self, login_page: str = "/accounts/login/") -> requests.Response:
        """Log-in page → the OneID button → OneID's consent page."""
        login = self.get(login_page)
        if login.status_code == 302:  # logged in already: the button's POST, from any page
            self.get("/")
            token = self.session.cookies.get("csrftoken") or ""
            button = {"csrfmiddlewaretoken": token, "process": "login"}
        else:
            assert login.status_code == 200
            button = forms_of(login.text)["oneid-login"]
        to_oneid = self.post("/accounts/oneid/login/", button)
        assert to_oneid.status_code == 302, to_oneid.text[:500]
        consent = self.get(to_oneid.headers["Location"])
        assert consent.status_code == 200, consent.text[:500]
        return consent

    def answer(
        self, consent: requests.Response, decision: str = "allow", **identity: str
    ) -> requests.Response:
        """Submit the consent form; the redirect back to the site (not followed)."""
        fields = dict(forms_of(consent.text)["fake-oneid-consent"])
        fields.update(identity, decision=decision)
        if identity.get("valid") == "":
            fields.pop("valid", None)
        back = self.post("/fake-oneid/sso/oauth/consent/", fields)
        assert back.status_code == 302, back.text[:500]
        return back

    def sign_in(self, **identity: str) -> requests.Response:
        back = self.answer(self.start(), **identity)
        return self.follow(back)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        SocialAccount.objects.count(),
        LoginLink.objects.count(),
        Person.objects.filter(user__isnull=False).count(),
    )


@pytest.fixture
def site(settings: Any, live_server: Any) -> str:
    settings.ONEID_CLIENT_ID = CLIENT_ID
    settings.ONEID_CLIENT_SECRET = CLIENT_SECRET
    settings.ONEID_BASE_URL = live_server.url + "/fake-oneid"
    settings.ONEID_SCOPE = ""
    settings.ONEID_FAKE = True
    settings.LANGUAGE_CODE = "en"
    return str(live_server.url)


@pytest.fixture
def browser(site: str) -> Browser:
    b = Browser(site)
    b.session.cookies.set("django_language", "en")
    return b


@pytest.fixture
def new_owner(make_building: Callable[..., Any]) -> Person:
    """A registry owner of flat 2 with no login yet."""
    from buildings.models import Apartment, Ownership

    building = make_building(flats=3)
    person = Person.objects.create(
        pinfl=NEW_OWNER_PINFL, full_name="Gulnora Ergasheva", phone="+998935551122"
    )
    flat = Apartment.objects.get(building=building, number="2")
    Ownership.objects.create(apartment=flat, person=person, since=dt.date(2020, 1, 1))
    return person


def test_a_registry_owner_without_a_login_gets_one_and_sees_the_apartment(
    browser: Browser, new_owner: Person
) -> None:
    before = counts()
    home = browser.sign_in(pin=NEW_OWNER_PINFL, first_name="Gulnora", sur_name="Ergasheva")
    assert home.status_code == 200
    assert home.url.rstrip("/") == browser.base
    assert "Gulnora Ergasheva" in home.text
    assert "the registry keeps its own record" not in home.text  # OneID's name, surname first
    new_owner.refresh_from_db()
    user = new_owner.user
    assert user is not None
    assert (user.email, user.phone) == (None, "+998935551122")  # the registry's phone
    assert not user.has_usable_password()
    assert not user.memberships.exists()
    account = SocialAccount.objects.get(provider="oneid")
    assert (account.uid, account.user_id) == (NEW_OWNER_PINFL, user.pk)
    assert "pport_no" not in account.extra_data  # only the kept fields
    link = LoginLink.objects.get()
    assert (link.person_id, link.user_id, link.by_id, link.previous_user_id) == (
        new_owner.pk,
        user.pk,
        user.pk,
        None,
    )
    assert link.reason == "OneID"
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1)
    flats = browser.get("/registry/my-apartments/")
    assert flats.status_code == 200
    assert new_owner.ownerships.get().apartment.building.address in flats.text
    # the registry's record is untouched
    new_owner.refresh_from_db()
    assert (new_owner.full_name, new_owner.phone) == ("Gulnora Ergasheva", "+998935551122")


def test_a_second_sign_in_logs_in_as_the_same_login(browser: Browser, new_owner: Person) -> None:
    browser.sign_in(pin=NEW_OWNER_PINFL)
    before = counts()
    again = Browser(browser.base)
    home = again.sign_in(pin=NEW_OWNER_PINFL)
    assert home.status_code == 200
    assert "Gulnora Ergasheva" in home.text
    assert counts() == before


def test_a_pinfl_of_a_person_with_a_login_logs_in_as_it(browser: Browser, cast: Any) -> None:
    owner = cast.users["owner"]
    before = counts()
    home = browser.sign_in(pin=owner.person.pinfl, first_name="Boshqa", sur_name="Ism")
    assert home.status_code == 200
    assert owner.person.full_name in home.text
    account = SocialAccount.objects.get(provider="oneid")
    assert (account.uid, account.user_id) == (owner.person.pinfl, owner.pk)
    assert counts() == (before[0], before[1] + 1, before[2], before[3])  # connected, no login
    owner.person.refresh_from_db()
    assert owner.person.full_name == "Aziz Karimov"  # OneID's name never overwrites
    assert "the registry keeps its own record" in home.text  # but it is shown


def test_oneid_to_a_person_linked_to_another_login_is_refused(browser: Browser, cast: Any) -> None:
    """The session is the owner's; OneID says the co-owner, whose person has another
    login."""
    owner = cast.users["owner"]
    browser.session.cookies.update(_session_for(owner))
    before = counts()
    refused = browser.sign_in(pin=cast.users["co_owner"].person.pinfl)
    assert refused.status_code == 409
    assert "You are logged in with another login" in refused.text
    assert counts() == before
    assert not SocialAccount.objects.exists()
    profile = browser.get("/me/profile/")
    assert profile.status_code == 200  # still the owner's session
    assert owner.email in profile.text


def test_a_oneid_account_connected_elsewhere_than_the_registry_says_is_refused(
    browser: Browser, cast: Any
) -> None:
    owner, neighbour = cast.users["owner"], cast.users["neighbour"]
    SocialAccount.objects.create(user=neighbour, provider="oneid", uid=owner.person.pinfl)
    before = counts()
    refused = browser.sign_in(pin=owner.person.pinfl)
    assert refused.status_code == 409
    assert "connected to a different login" in refused.text
    assert counts() == before
    assert "_auth_user_id" not in _session_data(browser)


def test_a_login_of_another_person_is_not_given_a_second_person(
    browser: Browser, cast: Any, new_owner: Person
) -> None:
    """DOMAIN.md: a login is linked to at most one Person. The OneID account of the new
    owner's PINFL is (somehow) connected to the neighbour's login, whose person is the
    neighbour: OneID must not link the new owner's person to it as well."""
    neighbour = cast.users["neighbour"]
    SocialAccount.objects.create(user=neighbour, provider="oneid", uid=NEW_OWNER_PINFL)
    before = counts()
    refused = browser.sign_in(pin=NEW_OWNER_PINFL)
    assert refused.status_code == 409
    assert "belongs to another person" in refused.text
    assert counts() == before
    new_owner.refresh_from_db()
    assert new_owner.user_id is None
    assert Person.objects.filter(user=neighbour).count() == 1
    assert "_auth_user_id" not in _session_data(browser)


def test_the_same_login_signing_in_again_while_logged_in_is_fine(
    browser: Browser, cast: Any
) -> None:
    owner = cast.users["owner"]
    browser.session.cookies.update(_session_for(owner))
    home = browser.sign_in(pin=owner.person.pinfl)
    assert home.status_code == 200
    assert SocialAccount.objects.get().user_id == owner.pk


def test_an_unmatched_pinfl_gets_a_login_with_no_roles_and_the_way_to_the_registry(
    browser: Browser, cast: Any
) -> None:
    before = counts()
    page = browser.sign_in(
        pin=UNKNOWN_PINFL, first_name="Jamshid", sur_name="Qodirov", mob_phone_no="998977770011"
    )
    assert page.status_code == 200
    assert page.url.endswith("/me/oneid/unmatched/")
    assert "district housing inspection" in page.text
    assert "Qodirov Jamshid" in page.text
    assert "+998977770011" in page.text
    account = SocialAccount.objects.get(uid=UNKNOWN_PINFL)
    user = account.user
    assert user.phone == "+998977770011"  # OneID's phone, free
    assert not Person.objects.filter(user=user).exists()
    assert not Person.objects.filter(pinfl=UNKNOWN_PINFL).exists()
    assert not user.memberships.exists()
    assert counts() == (before[0] + 1, before[1] + 1, before[2], before[3])


def test_a_taken_phone_is_not_given_to_the_new_login(browser: Browser, cast: Any) -> None:
    taken = cast.users["owner"].phone
    browser.sign_in(pin=UNKNOWN_PINFL, mob_phone_no=taken.lstrip("+"))
    user = SocialAccount.objects.get(uid=UNKNOWN_PINFL).user
    assert user.phone is None
    assert user.email
    assert user.email.endswith("@" + oneid_services.PLACEHOLDER_DOMAIN)


def test_a_person_registered_later_is_linked_at_the_next_sign_in(
    browser: Browser, new_owner: Person
) -> None:
    pinfl = new_owner.pinfl
    Person.objects.filter(pk=new_owner.pk).update(pinfl=UNKNOWN_PINFL)
    browser.sign_in(pin=pinfl)  # unknown at first (the fixture's person stands in for later)
    user = SocialAccount.objects.get(uid=pinfl).user
    Person.objects.filter(pk=new_owner.pk).update(pinfl=pinfl)  # the inspection enters it
    home = Browser(browser.base).sign_in(pin=pinfl)
    assert "Gulnora Ergasheva" in home.text
    new_owner.refresh_from_db()
    assert new_owner.user_id == user.pk
    assert LoginLink.objects.get().user_id == user.pk


def test_the_login_pages_next_is_kept_through_oneid(browser: Browser, new_owner: Person) -> None:
    consent = browser.start("/accounts/login/?next=/registry/my-apartments/")
    page = browser.follow(browser.answer(consent, pin=NEW_OWNER_PINFL))
    assert page.status_code == 200
    assert page.url.endswith("/registry/my-apartments/")


def test_a_denied_consent_creates_nothing(browser: Browser, new_owner: Person) -> None:
    before = counts()
    back = browser.answer(browser.start(), decision="deny", pin=NEW_OWNER_PINFL)
    params = query(back.headers["Location"])
    assert params["error"] == "access_denied"
    assert params["state"]
    page = browser.follow(back)
    assert page.url.endswith("/accounts/3rdparty/login/cancelled/")
    assert counts() == before


def test_an_expired_code_is_refused_and_creates_nothing(
    browser: Browser, new_owner: Person, settings: Any
) -> None:
    settings.ONEID_FAKE_CODE_TTL_SECONDS = 60
    back = browser.answer(browser.start(), pin=NEW_OWNER_PINFL)
    before = counts()
    later = timezone.now() + dt.timedelta(seconds=61)
    with mock.patch("django.utils.timezone.now", return_value=later):
        refused = browser.follow(back)
    assert refused.status_code == 400
    assert "its code had expired or had already been used" in refused.text
    assert counts() == before


def test_a_code_just_within_its_lifetime_is_accepted(
    browser: Browser, new_owner: Person, settings: Any
) -> None:
    settings.ONEID_FAKE_CODE_TTL_SECONDS = 60
    back = browser.answer(browser.start(), pin=NEW_OWNER_PINFL)
    later = timezone.now() + dt.timedelta(seconds=55)
    with mock.patch("django.utils.timezone.now", return_value=later):
        home = browser.follow(back)
    assert home.status_code == 200
    assert "Gulnora Ergasheva" in home.text


def test_a_tampered_state_is_refused_and_creates_nothing(
    browser: Browser, new_owner: Person
) -> None:
    back = browser.answer(browser.start(), pin=NEW_OWNER_PINFL)
    params = query(back.headers["Location"])
    before = counts()
    forged = browser.get(
        f"/accounts/oneid/login/callback/?code={params['code']}&state=forged{params['state']}"
    )
    assert forged.status_code == 400
    assert "This sign-in could not be verified" in forged.text
    assert counts() == before
    # the state of another browser's sign-in is no better
    other = Browser(browser.base)
    stolen = other.get(back.headers["Location"])
    assert stolen.status_code == 400
    assert counts() == before


def test_a_replayed_code_is_refused_and_creates_nothing(
    browser: Browser, new_owner: Person
) -> None:
    first = browser.answer(browser.start(), pin=NEW_OWNER_PINFL)
    browser.follow(first)  # signed in
    used_code = query(first.headers["Location"])["code"]
    attacker = Browser(browser.base)
    fresh = attacker.answer(attacker.start(), pin=UNKNOWN_PINFL)
    state = query(fresh.headers["Location"])["state"]
    before = counts()
    replay = attacker.get(f"/accounts/oneid/login/callback/?code={used_code}&state={state}")
    assert replay.status_code == 400
    assert "already been used" in replay.text
    assert counts() == before
    assert "_auth_user_id" not in _session_data(attacker)


def test_an_unverified_oneid_account_is_refused(browser: Browser, new_owner: Person) -> None:
    before = counts()
    refused = browser.sign_in(pin=NEW_OWNER_PINFL, valid="")
    assert refused.status_code == 400
    assert str(oneid_identity.MSG_NOT_VERIFIED)[:40] in html.unescape(refused.text)
    assert counts() == before


def test_a_bad_pinfl_on_the_consent_page_is_refused_by_the_stand_in(browser: Browser) -> None:
    consent = browser.start()
    fields = dict(forms_of(consent.text)["fake-oneid-consent"])
    fields.update(pin="12345", decision="allow")
    again = browser.post("/fake-oneid/sso/oauth/consent/", fields)
    assert again.status_code == 400
    assert "14" in again.text


def test_the_stand_in_speaks_oneids_protocol(site: str, new_owner: Person) -> None:
    """The token and identity endpoints, as a client's server calls them."""
    endpoint = site + "/fake-oneid/sso/oauth/Authorization.do"
    b = Browser(site)
    consent = b.start()
    redirect_uri = forms_of(consent.text)["fake-oneid-consent"]["redirect_uri"]
    code = query(b.answer(consent, pin=NEW_OWNER_PINFL).headers["Location"])["code"]
    grant = {
        "grant_type": "one_authorization_code",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code": code,
        "redirect_uri": redirect_uri,
    }
    wrong = requests.post(endpoint, data={**grant, "client_secret": "nope"}, timeout=10)
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    other_uri = requests.post(endpoint, data={**grant, "redirect_uri": site + "/x/"}, timeout=10)
    assert (other_uri.status_code, other_uri.json()["error"]) == (400, "invalid_grant")
    token = requests.post(endpoint, data=grant, timeout=10)
    assert token.status_code == 200
    body = token.json()
    assert set(body) >= {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    reused = requests.post(endpoint, data=grant, timeout=10)
    assert (reused.status_code, reused.json()["error"]) == (400, "invalid_grant")
    who = requests.post(
        endpoint,
        data={
            "grant_type": "one_access_token_identify",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "access_token": body["access_token"],
            "scope": CLIENT_ID,
        },
        timeout=10,
    ).json()
    assert who["pin"] == NEW_OWNER_PINFL
    assert who["valid"] == "true"
    assert {"sur_name", "first_name", "mid_name", "full_name", "mob_phone_no", "user_id"} <= set(
        who
    )
    bad = requests.post(
        endpoint, data={**grant, "grant_type": "authorization_code"}, timeout=10
    ).json()
    assert bad["error"] == "unsupported_grant_type"
    assert SocialAccount.objects.count() == 0  # the site took no part


def test_the_embedded_default_base_url_is_this_site(
    browser: Browser, settings: Any, new_owner: Person
) -> None:
    """`make run`'s configuration: ONEID_BASE_URL=/fake-oneid, on whatever host."""
    settings.ONEID_BASE_URL = "/fake-oneid"
    home = browser.sign_in(pin=NEW_OWNER_PINFL)
    assert "Gulnora Ergasheva" in home.text


def test_oneid_unreachable_is_a_clear_error(
    browser: Browser, settings: Any, new_owner: Person
) -> None:
    back = browser.answer(browser.start(), pin=NEW_OWNER_PINFL)
    settings.ONEID_BASE_URL = "http://127.0.0.1:9/fake-oneid"  # nothing listens on port 9
    before = counts()
    refused = browser.follow(back)
    assert refused.status_code == 502
    assert str(oneid_adapter.MSG_UNREACHABLE)[:30] in html.unescape(refused.text)
    assert counts() == before


def _session_for(user: User) -> dict[str, str]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def _session_data(browser: Browser) -> dict[str, Any]:
    from django.contrib.sessions.backends.db import SessionStore

    key = browser.session.cookies.get("sessionid")
    return dict(SessionStore(session_key=key).load()) if key else {}


_ = re  # (kept for ad-hoc debugging of pages)
