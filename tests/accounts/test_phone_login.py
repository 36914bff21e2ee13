"""Sign-in with an SMS code (accounts.phone_login): known numbers with and without a login,
the neutral answer, the code rules (expiry at the boundary, attempts, single use, hashed,
superseded), the rate limits (429), the gateway down (503, nothing written), CSRF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from accounts.models import LoginCode, LoginLink, Person, User
from accounts.phone_login.services import (
    GATEWAY_DOWN_KEY,
    LINK_REASON,
    MSG_CODE_ATTEMPTS,
    MSG_CODE_EXPIRED,
    MSG_CODE_WRONG,
    MSG_GATEWAY_DOWN,
    MSG_PHONE_TAKEN,
    PhoneLoginError,
    code_hash,
    login_code_confirm,
    login_code_issue,
)
from accounts.phone_login.views import MSG_SENT
from accounts.services import person_create
from accounts.validators import MSG_PHONE
from tests.accounts.fake_sms_gateway import FakeSmsGateway, sms_gateway  # noqa: F401

pytestmark = pytest.mark.django_db

REGISTRY_PHONE = "+998901000099"  # a registry owner without a login
OWNER_PHONE = "+998901000077"  # an owner with a login
UNKNOWN_PHONE = "+998931112233"
REQUEST_URL = "/me/phone/"
CODE_URL = "/me/phone/code/"


@pytest.fixture
def registry_owner(db: None) -> Person:
    return person_create(pinfl="30101900000099", full_name="Registr Egasi", phone=REGISTRY_PHONE)


@pytest.fixture
def owner_with_login(db: None) -> Person:
    user = User.objects.create_user(email="egasi@example.uz", password="x-Parol-2026")
    return person_create(
        pinfl="30101900000077", full_name="Login Egasi", phone=OWNER_PHONE, user=user
    )


def _ask(client: Client, phone: str, **extra: Any) -> Any:
    return client.post(REQUEST_URL, {"phone": phone}, **extra)


def _enter(client: Client, code: str, **extra: Any) -> Any:
    return client.post(CODE_URL, {"code": code}, **extra)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _logged_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


@pytest.fixture
def frozen() -> Iterator[dict[str, dt.datetime]]:
    """``django.utils.timezone.now`` frozen at ``clock["now"]`` (moved by the test)."""
    clock = {"now": timezone.now().replace(microsecond=0)}
    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock["now"]):
        yield clock


# --- the flow ---------------------------------------------------------------------------


def test_the_login_page_links_to_the_sms_sign_in(client: Client) -> None:
    page = client.get("/accounts/login/?next=/registry/").content.decode()
    assert 'href="/me/phone/?next=/registry/"' in page


def test_known_phone_with_a_login_signs_in_that_login(
    client: Client,
    owner_with_login: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    assert client.get(REQUEST_URL).status_code == 200
    response = _ask(client, "90 100-00-77")  # the usual spellings, normalised by the adapter
    assert (response.status_code, response["Location"]) == (302, CODE_URL)
    assert client.get(CODE_URL).status_code == 200
    users, links = User.objects.count(), LoginLink.objects.count()
    response = _enter(client, sms_gateway.code_for(OWNER_PHONE))
    assert (response.status_code, response["Location"]) == (302, "/")
    assert _logged_in_as(client) == owner_with_login.user_id
    assert (User.objects.count(), LoginLink.objects.count()) == (users, links)


def test_registry_owner_without_a_login_gets_one_only_at_confirmation(
    client: Client,
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    _ask(client, REGISTRY_PHONE)
    assert not User.objects.filter(phone=REGISTRY_PHONE).exists()  # not before the code
    [row] = LoginCode.objects.all()
    assert row.person_id == registry_owner.pk
    _enter(client, _wrong(sms_gateway.code_for(REGISTRY_PHONE)))
    assert not User.objects.filter(phone=REGISTRY_PHONE).exists()
    response = _enter(client, sms_gateway.code_for(REGISTRY_PHONE))
    assert response.status_code == 302
    user = User.objects.get(phone=REGISTRY_PHONE)
    assert user.email is None
    assert not user.has_usable_password()
    registry_owner.refresh_from_db()
    assert registry_owner.user_id == user.pk
    [link] = LoginLink.objects.filter(person=registry_owner)
    assert (link.user_id, link.by_id, link.previous_user_id) == (user.pk, user.pk, None)
    assert link.reason == LINK_REASON == "SMS code"
    assert _logged_in_as(client) == user.pk


def test_a_second_sign_in_reuses_the_login_made_the_first_time(
    client: Client,
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    for _ in range(2):
        _ask(client, REGISTRY_PHONE)
        _enter(client, sms_gateway.code_for(REGISTRY_PHONE))
        client.post("/accounts/logout/")
    assert User.objects.filter(phone=REGISTRY_PHONE).count() == 1
    assert LoginLink.objects.filter(person=registry_owner).count() == 1


def test_signing_in_rotates_the_session_key(
    client: Client,
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    _ask(client, REGISTRY_PHONE)
    before = client.session.session_key
    assert before
    _enter(client, sms_gateway.code_for(REGISTRY_PHONE))
    assert client.session.session_key != before
    assert _logged_in_as(client) is not None


def test_next_is_followed_when_it_is_on_this_site_only(
    client: Client,
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    client.post(REQUEST_URL + "?next=/registry/", {"phone": REGISTRY_PHONE})
    response = _enter(client, sms_gateway.code_for(REGISTRY_PHONE))
    assert response["Location"] == "/registry/"
    client.post("/accounts/logout/")
    client.post(REQUEST_URL, {"phone": REGISTRY_PHONE, "next": "https://evil.example/"})
    response = _enter(client, sms_gateway.code_for(REGISTRY_PHONE))
    assert response["Location"] == "/"


def test_a_logged_in_user_is_sent_home(client: Client, owner_with_login: Person) -> None:
    assert owner_with_login.user is not None
    client.force_login(owner_with_login.user)
    assert client.get(REQUEST_URL)["Location"] == "/"
    assert _ask(client, OWNER_PHONE)["Location"] == "/"
    assert LoginCode.objects.count() == 0


def test_the_code_page_without_a_request_goes_back_to_the_number(client: Client) -> None:
    assert client.get(CODE_URL)["Location"] == REQUEST_URL
    assert _enter(client, "123456")["Location"] == REQUEST_URL


def test_console_back_end_prints_the_code_to_log_in_with(
    client: Client, registry_owner: Person, settings: Any, capsys: Any
) -> None:
    settings.SMS_BACKEND = "console"
    _ask(client, REGISTRY_PHONE)
    printed = capsys.readouterr().out
    assert f"[SMS to {REGISTRY_PHONE}]" in printed
    code = next(w for w in printed.replace(".", " ").split() if w.isdigit() and len(w) == 6)
    assert _enter(client, code).status_code == 302
    assert _logged_in_as(client) is not None


# --- the neutral answer -----------------------------------------------------------------


def _answer(phone: str) -> tuple[int, list[tuple[str, int]], list[str], int]:
    client = Client()
    response = client.post(REQUEST_URL, {"phone": phone}, follow=True)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    return response.status_code, response.redirect_chain, texts, client.get(CODE_URL).status_code


def test_unknown_phone_gets_the_same_answer_and_no_sms(
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    known = _answer(REGISTRY_PHONE)
    unknown = _answer(UNKNOWN_PHONE)
    assert known == unknown
    assert known[2] == [str(MSG_SENT)]
    row = LoginCode.objects.get(phone=UNKNOWN_PHONE)
    assert row.person_id is None
    assert sms_gateway.messages_to(UNKNOWN_PHONE) == []
    assert len(sms_gateway.messages_to(REGISTRY_PHONE)) == 1


def test_unknown_phone_code_never_signs_in(client: Client) -> None:
    _ask(client, UNKNOWN_PHONE)
    response = _enter(client, "123456")
    assert response.status_code == 400
    assert str(MSG_CODE_WRONG) in response.content.decode()
    assert LoginCode.objects.get(phone=UNKNOWN_PHONE).attempts == 1  # counted as for a known one
    assert not User.objects.filter(phone=UNKNOWN_PHONE).exists()


def test_a_phone_shared_by_several_people_is_answered_as_unknown(
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    person_create(pinfl="40101900000088", full_name="Oila Aʼzosi", phone=REGISTRY_PHONE)
    assert _answer(REGISTRY_PHONE) == _answer(UNKNOWN_PHONE)
    assert sms_gateway.outbox == []
    assert set(LoginCode.objects.values_list("person", flat=True)) == {None}


def test_a_login_phone_not_on_a_person_record_gets_no_sms(
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    User.objects.create_user(email="rasmiy@example.uz", phone="+998935556677", password="p")
    _answer("+998935556677")
    assert sms_gateway.outbox == []


# --- the code rules ---------------------------------------------------------------------


def test_code_is_stored_only_as_an_hmac(
    client: Client,
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    _ask(client, REGISTRY_PHONE)
    code = sms_gateway.code_for(REGISTRY_PHONE)
    row = LoginCode.objects.get()
    values = [str(v) for v in LoginCode.objects.values_list().get()]
    assert not any(code in v for v in values)
    assert row.code_hash == code_hash(REGISTRY_PHONE, code)
    assert len(row.code_hash) == 64
    assert code not in str(dict(client.session))  # nor in the session


def test_code_expires_at_the_ttl_boundary(
    client: Client,
    registry_owner: Person,
    frozen: dict[str, dt.datetime],
    settings: Any,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    settings.SMS_CODE_TTL_SECONDS = 300
    _ask(client, REGISTRY_PHONE)
    code = sms_gateway.code_for(REGISTRY_PHONE)
    frozen["now"] += dt.timedelta(seconds=300)
    response = _enter(client, code)
    assert response.status_code == 400
    assert str(MSG_CODE_EXPIRED) in response.content.decode()
    assert not User.objects.filter(phone=REGISTRY_PHONE).exists()


def test_code_works_until_just_before_the_ttl(
    client: Client,
    registry_owner: Person,
    frozen: dict[str, dt.datetime],
    settings: Any,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    settings.SMS_CODE_TTL_SECONDS = 300
    _ask(client, REGISTRY_PHONE)
    frozen["now"] += dt.timedelta(seconds=299, microseconds=999_999)
    assert _enter(client, sms_gateway.code_for(REGISTRY_PHONE)).status_code == 302


def test_five_wrong_codes_and_the_code_is_dead(
    client: Client,
    registry_owner: Person,
    settings: Any,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    settings.SMS_CODE_MAX_ATTEMPTS = 5
    _ask(client, REGISTRY_PHONE)
    code = sms_gateway.code_for(REGISTRY_PHONE)
    texts = [_enter(client, _wrong(code)).content.decode() for _ in range(5)]
    assert all(str(MSG_CODE_WRONG) in t for t in texts[:4])
    assert str(MSG_CODE_ATTEMPTS) in texts[4]
    response = _enter(client, code)  # the right code, too late
    assert response.status_code == 400
    assert str(MSG_CODE_ATTEMPTS) in response.content.decode()
    assert LoginCode.objects.get().attempts == 5
    assert not User.objects.filter(phone=REGISTRY_PHONE).exists()


def test_four_wrong_codes_then_the_right_one_signs_in(
    client: Client,
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    _ask(client, REGISTRY_PHONE)
    code = sms_gateway.code_for(REGISTRY_PHONE)
    for _ in range(4):
        assert _enter(client, _wrong(code)).status_code == 400
    assert _enter(client, code).status_code == 302


def test_a_malformed_code_is_400_and_no_attempt(
    client: Client,
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    _ask(client, REGISTRY_PHONE)
    for bad in ("12345", "12a456", "1234567", ""):
        assert _enter(client, bad).status_code == 400
    assert LoginCode.objects.get().attempts == 0
    code = sms_gateway.code_for(REGISTRY_PHONE)
    assert _enter(client, f" {code[:3]} {code[3:]} ").status_code == 302  # as it is read out


def test_code_is_used_once(
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    login_code_issue(phone=REGISTRY_PHONE)
    code = sms_gateway.code_for(REGISTRY_PHONE)
    assert login_code_confirm(phone=REGISTRY_PHONE, code=code).created
    with pytest.raises(PhoneLoginError) as exc:
        login_code_confirm(phone=REGISTRY_PHONE, code=code)
    assert exc.value.message == str(MSG_CODE_EXPIRED)
    assert LoginCode.objects.get().used_at is not None


def test_a_new_code_supersedes_the_older_one(
    client: Client,
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    _ask(client, REGISTRY_PHONE)
    first = sms_gateway.code_for(REGISTRY_PHONE)
    client.post(REQUEST_URL, {"phone": REGISTRY_PHONE})  # "Send a new code"
    second = sms_gateway.code_for(REGISTRY_PHONE)
    if first == second:  # one in a million: the test would prove nothing
        pytest.skip("the two random codes are equal")
    older, newer = LoginCode.objects.order_by("created_at", "id")
    assert older.expires_at <= newer.created_at  # expired by the newer code
    response = _enter(client, first)
    assert response.status_code == 400
    assert _enter(client, second).status_code == 302


def test_the_number_taken_by_another_login_is_refused_after_the_code(
    client: Client,
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    other = User.objects.create_user(email="boshqa@example.uz", phone=REGISTRY_PHONE, password="p")
    _ask(client, REGISTRY_PHONE)
    response = _enter(client, sms_gateway.code_for(REGISTRY_PHONE))
    assert response.status_code == 400
    assert str(MSG_PHONE_TAKEN) in response.content.decode()
    registry_owner.refresh_from_db()
    assert registry_owner.user_id is None
    assert list(User.objects.filter(phone=REGISTRY_PHONE)) == [other]
    assert LoginLink.objects.count() == 0


# --- bad input, limits, the gateway -----------------------------------------------------


@pytest.mark.parametrize("bad", ["12", "+7 912 345 67 89", "abc", ""])
def test_a_malformed_phone_is_400_with_the_message(client: Client, bad: str) -> None:
    response = _ask(client, bad)
    assert response.status_code == 400
    if bad:
        assert str(MSG_PHONE) in response.content.decode()
    assert LoginCode.objects.count() == 0


def _limits(settings: Any, **rates: str) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **rates}


def test_too_many_codes_for_one_phone_answer_429(
    registry_owner: Person,
    settings: Any,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    _limits(settings, sms_code_request="2/h/key")
    statuses = [
        _ask(Client(REMOTE_ADDR=f"10.0.0.{n}"), REGISTRY_PHONE).status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    response = _ask(Client(REMOTE_ADDR="10.0.0.9"), REGISTRY_PHONE)
    assert response.status_code == 429
    assert "429" in response.content.decode()  # the project's translated page
    assert len(sms_gateway.outbox) == 2
    assert LoginCode.objects.count() == 2
    # another number from the same addresses is not limited
    assert _ask(Client(REMOTE_ADDR="10.0.0.1"), UNKNOWN_PHONE).status_code == 302


def test_too_many_codes_from_one_address_answer_429(client: Client, settings: Any) -> None:
    _limits(settings, sms_code_request="2/h/ip")
    statuses = [_ask(client, f"+99893111220{n}").status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert _ask(Client(REMOTE_ADDR="10.1.1.1"), "+998931112209").status_code == 302


def test_too_many_codes_tried_answer_429(
    client: Client,
    registry_owner: Person,
    settings: Any,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    _limits(settings, sms_code_confirm="3/h/key")
    _ask(client, REGISTRY_PHONE)
    code = sms_gateway.code_for(REGISTRY_PHONE)
    statuses = [_enter(client, _wrong(code)).status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    assert _enter(client, code).status_code == 429
    assert not User.objects.filter(phone=REGISTRY_PHONE).exists()


def test_gateway_down_answers_503_and_writes_nothing(
    client: Client,
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    sms_gateway.down()
    response = _ask(client, REGISTRY_PHONE)
    assert response.status_code == 503
    assert str(MSG_GATEWAY_DOWN) in response.content.decode()
    assert LoginCode.objects.count() == 0
    assert User.objects.filter(phone=REGISTRY_PHONE).count() == 0
    assert client.get(CODE_URL)["Location"] == REQUEST_URL  # no code to enter
    # while it is down, an unknown number gets the same answer (it tells nobody apart)
    unknown = _ask(Client(), UNKNOWN_PHONE)
    assert unknown.status_code == 503
    assert str(MSG_GATEWAY_DOWN) in unknown.content.decode()
    assert LoginCode.objects.count() == 0


def test_gateway_refusing_connections_answers_503_then_recovers(
    client: Client,
    registry_owner: Person,
    settings: Any,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    sms_gateway.stop()
    assert _ask(client, REGISTRY_PHONE).status_code == 503
    assert LoginCode.objects.count() == 0
    fresh = FakeSmsGateway()
    try:
        settings.SMS_API_URL = fresh.url
        from django.core.cache import cache

        cache.delete(GATEWAY_DOWN_KEY)  # SMS_GATEWAY_DOWN_SECONDS later
        assert _ask(client, REGISTRY_PHONE).status_code == 302
        assert len(fresh.messages_to(REGISTRY_PHONE)) == 1
    finally:
        fresh.stop()


def test_the_previous_code_stays_valid_when_a_new_one_cannot_be_sent(
    client: Client,
    registry_owner: Person,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    _ask(client, REGISTRY_PHONE)
    code = sms_gateway.code_for(REGISTRY_PHONE)
    sms_gateway.down()
    assert _ask(client, REGISTRY_PHONE).status_code == 503
    assert _enter(client, code).status_code == 302


def test_csrf_stays_on(registry_owner: Person) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(REQUEST_URL, {"phone": REGISTRY_PHONE}).status_code == 403
    assert LoginCode.objects.count() == 0
    page = client.get(REQUEST_URL).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


# --- the demo's registry-only owner -----------------------------------------------------


def test_demo_registry_owner_signs_in_by_sms_and_owns_one_flat(
    client: Client,
    sms_gateway: FakeSmsGateway,  # noqa: F811
) -> None:
    from buildings.models import Building, Ownership
    from mening_uyim.demo_signin import DEMO_S, SIGNIN_PHONE, demo_signin_ensure

    said: list[str] = []
    person = demo_signin_ensure(say=said.append)
    assert said  # the first run says what it made
    assert (person.phone, person.user_id) == (SIGNIN_PHONE, None)
    [ownership] = Ownership.objects.filter(person=person)
    assert ownership.apartment.building.cadastral_number == DEMO_S
    assert Building.objects.get(cadastral_number=DEMO_S).commissioned_at is None  # in no lot
    again: list[str] = []
    demo_signin_ensure(say=again.append)
    assert again == []
    assert Ownership.objects.filter(person=person).count() == 1

    _ask(client, SIGNIN_PHONE)
    assert _enter(client, sms_gateway.code_for(SIGNIN_PHONE)).status_code == 302
    person.refresh_from_db()
    assert person.user is not None
    assert _logged_in_as(client) == person.user_id
    home = client.get("/").content.decode()
    assert 'id="apartments"' in home
    assert ownership.apartment.building.address in home
