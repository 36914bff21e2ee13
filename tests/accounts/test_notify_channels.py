"""Each person is told on the channels they chose, among those the installation offers,
in their language (issue 15, notifications: channels and language)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy

from accounts.models import Notification, NotificationPreference, Person, User
from accounts.notifications import channels_for, lazy_format, notify, notify_many
from mening_uyim.demo import Cast

pytestmark = pytest.mark.django_db
ALL = ["email", "sms", "telegram"]


@pytest.fixture
def offered(settings: Any) -> Any:
    settings.NOTIFY_CHANNELS = ALL
    return settings


def prefer(user: User, **fields: Any) -> NotificationPreference:
    defaults = {"email": False, "sms": False, "telegram": False, "language": "uz", **fields}
    row, _ = NotificationPreference.objects.update_or_create(user=user, defaults=defaults)
    return row


def registry_owner(pinfl: str, phone: str = "") -> Person:
    return Person.objects.create(pinfl=pinfl, full_name="Registry Owner", phone=phone)


def test_without_a_preference_a_login_gets_email_only(cast: Cast, offered: Any) -> None:
    assert channels_for(cast.users["owner"].person) == (["email"], "uz")


def test_a_person_gets_the_channels_they_chose_in_their_language(cast: Cast, offered: Any) -> None:
    owner = cast.users["owner"]
    prefer(owner, sms=True, telegram=True, telegram_chat_id=111, language="ru")
    assert channels_for(owner.person) == (["sms", "telegram"], "ru")


def test_a_channel_the_installation_does_not_offer_is_not_used(cast: Cast, settings: Any) -> None:
    settings.NOTIFY_CHANNELS = ["email", "telegram"]
    owner = cast.users["owner"]
    prefer(owner, email=True, sms=True)
    assert channels_for(owner.person) == (["email"], "uz")


def test_a_chosen_channel_that_cannot_reach_the_person_falls_back_to_the_default(
    cast: Cast, offered: Any
) -> None:
    owner = cast.users["owner"]
    prefer(owner, telegram=True)  # chosen, but no chat linked (unlinked since)
    assert channels_for(owner.person) == (["email"], "uz")


def test_an_owner_without_a_login_gets_an_sms_to_the_registry_phone(
    cast: Cast, offered: Any
) -> None:
    assert channels_for(registry_owner("30101900010001", "+998901112233")) == (["sms"], "uz")


def test_someone_nothing_can_reach_is_recorded_once_on_the_first_offered_channel(
    cast: Cast, offered: Any
) -> None:
    assert channels_for(registry_owner("30101900010002")) == (["email"], "uz")


def test_sms_goes_to_the_logins_phone_or_else_the_registry_phone(
    cast: Cast, offered: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts.notifications import notification_deliver

    texts: list[tuple[str, str]] = []
    monkeypatch.setattr("accounts.sms.send_sms", lambda phone, text: texts.append((phone, text)))
    owner = cast.users["owner"]
    prefer(owner, sms=True)
    owner.person.phone = "+998935550000"
    owner.person.save(update_fields=["phone"])
    (row,) = notify(person=owner.person, key="k:sms", subject="S", body="B")
    assert notification_deliver(row.pk) == "sent"
    walk_in = registry_owner("30101900010003", "+998901112233")
    (other,) = notify(person=walk_in, key="k:sms", subject="S", body="B")
    assert notification_deliver(other.pk) == "sent"
    assert texts == [(owner.phone, "S\nB"), ("+998901112233", "S\nB")]


def test_a_message_is_rendered_in_each_persons_language(cast: Cast, offered: Any) -> None:
    prefer(cast.users["owner"], email=True, language="ru")
    prefer(cast.users["co_owner"], email=True, language="en")
    subject = gettext_lazy("Profile")
    for key in ("owner", "co_owner", "neighbour"):
        notify(person=cast.users[key].person, key="k:lang", subject=subject, body=subject)
    by_person = dict(Notification.objects.values_list("person__user__email", "subject"))
    assert by_person[cast.users["owner"].email] == "Профиль"
    assert by_person[cast.users["co_owner"].email] == "Profile"
    assert by_person[cast.users["neighbour"].email] == "Profil"


def test_lazy_format_fills_the_facts_in_the_readers_language(cast: Cast, offered: Any) -> None:
    from dispatch.models import Escalation

    prefer(cast.users["owner"], email=True, language="ru")
    text = lazy_format(gettext_lazy("%(kind)s"), {"kind": Escalation.Kind.RESPONSE.label})
    (row,) = notify(person=cast.users["owner"].person, key="k:fmt", subject=text, body=text)
    with_en = notify(person=cast.users["co_owner"].person, key="k:fmt", subject=text, body=text)
    assert row.subject != with_en[0].subject  # the same message, two languages


def test_notify_many_records_once_per_person_and_channel_in_their_language(
    cast: Cast, offered: Any
) -> None:
    owner, co_owner, neighbour = (cast.users[k] for k in ("owner", "co_owner", "neighbour"))
    prefer(owner, email=True, sms=True, language="ru")
    prefer(neighbour, telegram=True, telegram_chat_id=42, language="en")
    walk_in = registry_owner("30101900010004", "+998901112233")
    nobody = registry_owner("30101900010005")
    people = Person.objects.filter(
        pk__in=[owner.person.pk, co_owner.person.pk, neighbour.person.pk, walk_in.pk, nobody.pk]
    )
    subject = gettext_lazy("Profile")
    assert notify_many(person_ids=people, key="k:many", subject=subject, body=subject) == 6
    assert notify_many(person_ids=people, key="k:many", subject=subject, body=subject) == 0
    rows = set(Notification.objects.values_list("person_id", "channel", "subject"))
    assert rows == {
        (owner.person.pk, "email", "Профиль"),
        (owner.person.pk, "sms", "Профиль"),
        (co_owner.person.pk, "email", "Profil"),
        (neighbour.person.pk, "telegram", "Profile"),
        (walk_in.pk, "sms", "Profil"),
        (nobody.pk, "email", "Profil"),
    }


def test_notify_many_renders_once_per_language_whatever_the_number_of_people(
    cast: Cast, offered: Any
) -> None:
    renders: list[str] = []

    def body() -> str:
        from django.utils.translation import get_language

        renders.append(get_language())
        return "text"

    prefer(cast.users["owner"], email=True, language="ru")
    for n in range(20):
        registry_owner(f"3010190002{n:04d}", "+998901112233")
    notify_many(person_ids=Person.objects.all(), key="k:renders", subject="S", body=body)
    assert sorted(renders) == ["ru", "uz"]  # nobody reads English: not rendered


def test_notify_many_costs_the_same_queries_for_more_people(
    cast: Cast, offered: Any, django_assert_max_num_queries: Any
) -> None:
    def run(key: str) -> None:
        notify_many(person_ids=Person.objects.all(), key=key, subject="S", body="B")

    with django_assert_max_num_queries(12) as few:
        run("k:few")
    for n in range(40):
        registry_owner(f"3010190003{n:04d}", "+998901112233" if n % 2 else "")
    with django_assert_max_num_queries(len(few.captured_queries)):
        run("k:more")


def test_the_sending_task_is_scheduled_after_the_commit_per_channel(
    cast: Cast, offered: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        notify_many(person_ids=Person.objects.all(), key="k:later", subject="S", body="B")
    assert len(callbacks) == len(ALL)  # nothing is sent inside the request's transaction
    assert not mail.outbox


def test_a_oneid_placeholder_address_is_no_mailbox(cast: Cast, offered: Any) -> None:
    """A OneID login with no free phone has an address on the reserved .invalid domain
    (accounts.oneid): no mail goes there; its registry phone takes the message."""
    login = User.objects.create_user(email="oneid-0123456789abcdef@oneid.invalid")
    person = Person.objects.create(
        pinfl="30101900010003", full_name="Registry Owner", phone="+998901112244", user=login
    )
    prefer(login, email=True)
    assert login.mailbox is None
    assert channels_for(person) == (["sms"], "uz")
    nobody = Person.objects.create(
        pinfl="30101900010004",
        full_name="Registry Owner",
        user=User.objects.create_user(email="oneid-fedcba9876543210@oneid.invalid"),
    )
    [row] = notify(person=nobody, key="placeholder", subject="S", body="B")
    from accounts.notifications import notification_deliver

    assert notification_deliver(row.pk) == "undeliverable"
    assert mail.outbox == []
