"""The profile's notification settings and Telegram link (issue 15): the owner chooses
among the offered channels that can reach them, and the language of messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.forms import MSG_NO_CHANNEL, MSG_NO_EMAIL, MSG_NO_PHONE, MSG_NO_TELEGRAM
from accounts.models import NotificationPreference, TelegramLinkCode, User
from mening_uyim.demo import Cast
from tests.access import snapshot

pytestmark = pytest.mark.django_db
SETTINGS_URL = "/me/notifications/"


@pytest.fixture
def offered(settings: Any) -> Any:
    settings.NOTIFY_CHANNELS = ["email", "sms", "telegram"]
    settings.TELEGRAM_BOT_USERNAME = "MeningUyimBot"
    return settings


def as_owner(client: Client, cast: Cast) -> User:
    client.force_login(cast.users["owner"])
    return cast.users["owner"]


def test_the_profile_offers_only_the_installations_channels(
    client: Client, cast: Cast, settings: Any
) -> None:
    settings.NOTIFY_CHANNELS = ["email"]
    as_owner(client, cast)
    form = client.get("/me/profile/").context["notify_form"]
    assert set(form.fields) == {"email", "language"}
    assert form.fields["email"].initial is True  # the default: email
    assert b"Link Telegram" not in client.get("/me/profile/").content


def test_the_owner_chooses_channels_and_a_language(
    client: Client, cast: Cast, offered: Any
) -> None:
    owner = as_owner(client, cast)
    response = client.post(SETTINGS_URL, {"sms": "on", "language": "ru"})
    assert response.status_code == 302
    row = NotificationPreference.objects.get(user=owner)
    assert (row.email, row.sms, row.telegram, row.language) == (False, True, False, "ru")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"language": "uz"}, "__all__", MSG_NO_CHANNEL),
        ({"telegram": "on", "language": "uz"}, "telegram", MSG_NO_TELEGRAM),
        ({"email": "on", "language": "de"}, "language", None),
        ({"email": "on"}, "language", None),
    ],
)
def test_bad_input_is_a_400_with_the_reason_and_nothing_saved(
    client: Client, cast: Cast, offered: Any, data: dict, field: str, message: Any
) -> None:
    as_owner(client, cast)
    before = snapshot()
    response = client.post(SETTINGS_URL, data)
    assert response.status_code == 400
    errors = response.context["notify_form"].errors
    assert field in errors
    if message is not None:
        assert str(message) in errors[field]
    assert snapshot() == before


def test_sms_needs_a_phone_and_email_an_email(client: Client, cast: Cast, offered: Any) -> None:
    owner = as_owner(client, cast)
    User.objects.filter(pk=owner.pk).update(phone=None)
    owner.person.phone = ""
    owner.person.save(update_fields=["phone"])
    response = client.post(SETTINGS_URL, {"sms": "on", "language": "uz"})
    assert response.status_code == 400
    assert str(MSG_NO_PHONE) in response.context["notify_form"].errors["sms"]
    phone_only = User.objects.create_user(phone="+998901230000", password="x")
    client.force_login(phone_only)
    response = client.post(SETTINGS_URL, {"email": "on", "language": "uz"})
    assert response.status_code == 400
    assert str(MSG_NO_EMAIL) in response.context["notify_form"].errors["email"]
    assert not NotificationPreference.objects.exists()


def test_an_unoffered_channel_in_the_post_is_ignored(
    client: Client, cast: Cast, settings: Any
) -> None:
    settings.NOTIFY_CHANNELS = ["email"]
    owner = as_owner(client, cast)
    assert (
        client.post(SETTINGS_URL, {"email": "on", "sms": "on", "language": "en"}).status_code == 302
    )
    row = NotificationPreference.objects.get(user=owner)
    assert (row.email, row.sms, row.language) == (True, False, "en")


def test_link_telegram_shows_a_one_time_deep_link(client: Client, cast: Cast, offered: Any) -> None:
    owner = as_owner(client, cast)
    response = client.post("/me/notifications/telegram/link/")
    assert response.status_code == 200
    link = response.context["deep_link"]
    assert link.startswith("https://t.me/MeningUyimBot?start=")
    code = link.rsplit("=", 1)[1]
    row = TelegramLinkCode.objects.get(user=owner)
    assert code not in row.code_hash
    assert row.used_at is None
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_link_telegram_is_not_there_when_telegram_is_not_offered(
    client: Client, cast: Cast, settings: Any
) -> None:
    settings.NOTIFY_CHANNELS = ["email"]
    as_owner(client, cast)
    assert client.post("/me/notifications/telegram/link/").status_code == 404
    assert not TelegramLinkCode.objects.exists()


def test_unlink_forgets_the_chat_and_tells_it(
    client: Client, cast: Cast, offered: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = as_owner(client, cast)
    NotificationPreference.objects.create(user=owner, telegram=True, telegram_chat_id=9)
    client.cookies["django_language"] = "en"  # the button's words, read in English
    profile = client.get("/me/profile/")
    assert b"Unlink Telegram" in profile.content
    assert profile.context["notify_form"].fields["telegram"].initial is True
    with django_capture_on_commit_callbacks() as replies:
        assert client.post("/me/notifications/telegram/unlink/").status_code == 302
    row = NotificationPreference.objects.get(user=owner)
    assert (row.telegram_chat_id, row.telegram_linked_at, row.telegram) == (None, None, False)
    assert len(replies) == 1


def test_a_persona_changes_only_its_own_settings(client: Client, cast: Cast, offered: Any) -> None:
    for key in ("owner", "mc_director", "inspector"):
        client.force_login(cast.users[key])
        client.post(SETTINGS_URL, {"email": "on", "language": "en"})
        client.post("/me/notifications/telegram/link/")
    assert set(NotificationPreference.objects.values_list("user__email", flat=True)) == {
        cast.users[k].email for k in ("owner", "mc_director", "inspector")
    }
    assert TelegramLinkCode.objects.count() == 3
