"""One small interface for telling a person something: ``notify(person=…, key=…, …)`` and
``notify_many(person_ids=…, key=…, …)``.

A notification is a row first (``Notification``), unique per (person, key, channel), so a
repeated call, a retried task or a second beat run records nothing twice. Sending is a
Celery task after the commit (``accounts.tasks``) that locks the row and sends only if it
has not been sent (``notification_deliver``).

**Channels** (issue 15). ``settings.NOTIFY_CHANNELS`` is the set the installation offers
(``email``, ``sms``, ``telegram``); each person gets the offered channels **they chose**
in the profile (``NotificationPreference``) that can reach them:

- ``email``: the login's email;
- ``sms``: the login's phone, or else the Person's registry phone (the login's is the one
  the person keeps up to date in the profile; the registry's is what an owner without a
  login has);
- ``telegram``: the chat linked to the login through the bot (accounts.telegram).

When none of the chosen channels can reach a person (no preference row, an owner in the
registry without a login, a chosen channel no longer offered or a chat unlinked), the
**default** applies: the first offered channel, in ``NOTIFY_CHANNELS`` order, that can
reach them — so a login with an email gets email, as before, and an owner without a login
an SMS to the registry phone when SMS is offered. Someone nothing can reach is still
recorded once on the first offered channel (undeliverable), as before.

**Language** (issue 15). Callers pass the subject and body as lazy translatable strings
(``gettext_lazy``, ``format_lazy``, ``lazy_format`` below) or callables; they are rendered
under ``translation.override`` in the language the person chose (Uzbek without a choice).
``notify_many`` groups the people by language and channel in SQL and renders each text
once per language, then inserts the rows with one ``INSERT … SELECT`` per language and
channel: no row, and no person, goes through Python.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Mapping
from functools import partial, reduce
from operator import or_
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    Field,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    PLACEHOLDER_EMAIL_DOMAIN,
    Notification,
    NotificationPreference,
    Person,
    TelegramLinkCode,
    User,
)

Text = str | Promise | Callable[[], str]
PREF = "user__notification_preference"


# --- texts ---------------------------------------------------------------------------------


def lazy_format(template: str | Promise, facts: Mapping[str, Any]) -> Promise:
    """``template % facts``, evaluated when rendered (in the reader's language), for the
    ``%(name)s`` msgids; a lazy fact (a choice's label) is rendered in that language too."""

    def render() -> str:
        return str(template) % {
            k: str(v) if isinstance(v, Promise) else v for k, v in facts.items()
        }

    return cast(Promise, lazy(render, str)())


def render(text: Text, language: str) -> str:
    with translation.override(language):
        return str(text()) if callable(text) else str(text)


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def message_language(preference: NotificationPreference | None) -> str:
    if preference is not None and preference.language in languages():
        return preference.language
    return str(settings.LANGUAGE_CODE)


# --- channels ------------------------------------------------------------------------------


def offered_channels() -> list[str]:
    """The channels this installation offers (``NOTIFY_CHANNELS``), in its order."""
    offered = list(dict.fromkeys(settings.NOTIFY_CHANNELS))
    for channel in offered:
        if channel not in BACKENDS:
            raise ImproperlyConfigured(f"NOTIFY_CHANNELS: unknown channel {channel!r}")
    if not offered:
        raise ImproperlyConfigured("NOTIFY_CHANNELS: no channel")
    return offered


def _reaches(channel: str) -> Q:
    """The people a channel can reach (on Person)."""
    if channel == "email":  # an address mail can reach (User.mailbox)
        return (
            Q(user__email__isnull=False)
            & ~Q(user__email="")
            & ~Q(user__email__iendswith="@" + PLACEHOLDER_EMAIL_DOMAIN)
        )
    if channel == "sms":
        return (Q(user__phone__isnull=False) & ~Q(user__phone="")) | ~Q(phone="")
    return Q(**{f"{PREF}__telegram_chat_id__isnull": False})


def audience(people: QuerySet[Person]) -> QuerySet[Person]:
    """``people`` with ``to_<channel>`` for each offered channel (the channel rule in the
    module's docstring, in SQL) and ``msg_language``."""
    offered = offered_channels()
    reaches = {c: _reaches(c) for c in offered}
    # A login without a preference row reads NULL through the outer join: coalesced, so
    # that NOT(…) of a choice is true there, not NULL.
    people = people.annotate(
        **{f"chose_{c}": Coalesce(F(f"{PREF}__{c}"), Value(False)) for c in offered}
    )
    chosen = {c: Q(**{f"chose_{c}": True}) & reaches[c] for c in offered}
    chose_some = reduce(or_, chosen.values())
    default: dict[str, Q] = {}
    none_yet = Q()
    for channel in offered:
        default[channel] = none_yet & reaches[channel]
        none_yet = none_yet & ~reaches[channel]
    default[offered[0]] = default[offered[0]] | none_yet  # nothing reaches: recorded once
    flags = {
        f"to_{c}": ExpressionWrapper(chosen[c] | (~chose_some & default[c]), BooleanField())
        for c in offered
    }
    language = Case(
        *[When(**{f"{PREF}__language": code}, then=Value(code)) for code in languages()],
        default=Value(settings.LANGUAGE_CODE),
    )
    return people.annotate(msg_language=language, **flags)


def channels_for(person: Person) -> tuple[list[str], str]:
    """The channels and the language of one person's messages (one query)."""
    annotated: Any = audience(Person.objects.filter(pk=person.pk))
    row = annotated.values().first()
    if row is None:
        return [], str(settings.LANGUAGE_CODE)
    return [c for c in offered_channels() if row[f"to_{c}"]], row["msg_language"]


# --- back-ends -----------------------------------------------------------------------------


def _text(notification: Notification) -> str:
    return f"{notification.subject}\n{notification.body}"


def _email(notification: Notification) -> bool:
    user = notification.person.user
    if user is None or not user.mailbox:
        return False  # nowhere to send: recorded, not sent
    send_mail(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [user.mailbox],
        fail_silently=False,
    )
    return True


def sms_phone(person: Person) -> str:
    user = person.user
    return (user.phone if user is not None and user.phone else "") or person.phone


def _sms(notification: Notification) -> bool:
    from accounts.sms import send_sms

    phone = sms_phone(notification.person)
    if not phone:
        return False
    send_sms(phone, _text(notification))  # SmsGatewayError (OSError): retried
    return True


def _preference(notification: Notification) -> NotificationPreference | None:
    user = notification.person.user
    return getattr(user, "notification_preference", None) if user is not None else None


def _telegram(notification: Notification) -> bool:
    from accounts import telegram

    preference = _preference(notification)
    chat_id = preference.telegram_chat_id if preference is not None else None
    if preference is None or chat_id is None:
        return False  # unlinked since it was recorded
    try:
        telegram.send_message(chat_id, _text(notification))  # TelegramError: retried
    except telegram.TelegramUndeliverable:
        # The user blocked the bot (or the chat is gone): unlink, so that the next
        # messages take the person's other channels, and do not retry this one.
        NotificationPreference.objects.filter(pk=preference.pk, telegram_chat_id=chat_id).update(
            telegram_chat_id=None, telegram_linked_at=None
        )
        return False
    return True


BACKENDS: dict[str, Callable[[Notification], bool]] = {
    "email": _email,
    "sms": _sms,
    "telegram": _telegram,
}


# --- recording -----------------------------------------------------------------------------


def notify(*, person: Person, key: str, subject: Text, body: Text) -> list[Notification]:
    """Record the message on each of the person's channels, in their language, and send
    it after the commit. Rows made before (the same key) are left: nothing twice."""
    from accounts.tasks import notification_send

    channels, language = channels_for(person)
    subject_text, body_text = render(subject, language)[:200], render(body, language)
    made: list[Notification] = []
    for channel in channels:
        try:
            with transaction.atomic():
                row = Notification.objects.create(
                    person=person,
                    key=key[:200],
                    channel=channel,
                    subject=subject_text,
                    body=body_text,
                )
        except IntegrityError:
            continue  # told already
        made.append(row)
        transaction.on_commit(partial(notification_send.delay, row.pk))
    return made


def _insert_select(people: QuerySet[Person], values: dict[str, Any]) -> int:
    """``INSERT INTO notification (…) SELECT person.id, <values> FROM (people)``, skipping
    the (person, key, channel) rows that exist; returns the number of rows made."""
    select_sql, select_params = people.order_by().values(target_id=F("pk")).query.sql_with_params()
    if connection.vendor not in ("postgresql", "sqlite"):  # pragma: no cover - other engines
        rows = [Notification(person_id=pk, **values) for pk in people.values_list("pk", flat=True)]
        return len(Notification.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True))
    quote = connection.ops.quote_name
    opts = Notification._meta
    columns = ["person_id", *values]
    db_values = [
        cast(Field, opts.get_field(name)).get_db_prep_save(value, connection)
        for name, value in values.items()
    ]
    # Identifiers from _meta and the ORM's own SQL; every value is a parameter. SQLite
    # needs the WHERE to read ON CONFLICT as the INSERT's.
    table, names = quote(opts.db_table), ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(db_values))
    sql = f"INSERT INTO {table} ({names}) SELECT p.target_id, {marks} "  # nosec B608
    sql += f"FROM ({select_sql}) p WHERE 1 = 1 ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*db_values, *select_params])
        return max(cursor.rowcount, 0)


def notify_many(*, person_ids: Any, key: str, subject: Text, body: Text) -> int:
    """The same message to many people (a queryset of persons or of their ids): once per
    person and channel, each in their language; set-based (see the module's docstring).
    One task per channel then sends what is unsent for the key."""
    from accounts.tasks import notifications_send_key

    key = key[:200]
    people: Any = audience(Person.objects.filter(pk__in=person_ids))
    now = timezone.now()
    created = 0
    present = set(people.order_by().values_list("msg_language", flat=True).distinct())
    with transaction.atomic():
        for language in [code for code in languages() if code in present]:
            texts = {"subject": render(subject, language)[:200], "body": render(body, language)}
            for channel in offered_channels():
                created += _insert_select(
                    people.filter(msg_language=language, **{f"to_{channel}": True}),
                    {
                        "key": key,
                        "channel": channel,
                        **texts,
                        "created_at": now,
                        "delivered": False,
                    },
                )
    for channel in offered_channels():
        transaction.on_commit(partial(notifications_send_key.delay, key, channel))
    return created


# --- sending -------------------------------------------------------------------------------


def notification_deliver(notification_id: int) -> str:
    """Send one notification at most once: the row is locked while its back-end sends, and
    a row with ``sent_at`` is left. A back-end's ``OSError`` rolls the attempt back (the
    row stays unsent) and propagates, so that the task retries it with backoff."""
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("person__user__notification_preference")
            .filter(pk=notification_id)
            .first()
        )
        if row is None or row.sent_at is not None:
            return "skipped"
        backend = BACKENDS.get(row.channel)
        if backend is None:
            raise ImproperlyConfigured(f"notification {row.pk}: unknown channel {row.channel!r}")
        delivered = backend(row)
        row.sent_at = timezone.now()
        row.delivered = bool(delivered)
        row.save(update_fields=["sent_at", "delivered"])
    return "sent" if delivered else "undeliverable"


# --- the person's choice -------------------------------------------------------------------

MSG_TELEGRAM_LINKED = _(
    "Done: this chat is linked to your Mening Uyim login. The messages you chose to get by "
    "Telegram will come here. Send /stop to unlink it."
)
MSG_TELEGRAM_TAKEN = _(
    "This chat is already linked to another Mening Uyim login. Send /stop to unlink it "
    "first, then open the link again."
)
MSG_TELEGRAM_INVALID = _(
    "This link is not valid or has expired. Open your profile on Mening Uyim and press "
    "“Link Telegram” again."
)
MSG_TELEGRAM_HELLO = _(
    "Hello! To get Mening Uyim's messages here, open your profile on the site and press "
    "“Link Telegram”."
)
MSG_TELEGRAM_UNLINKED = _("This chat is unlinked: Mening Uyim's messages will no longer come here.")
# Bot API: a deep link's start parameter is 1-64 of A-Z a-z 0-9 _ -
START_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def preference_of(user: User) -> NotificationPreference:
    """The login's row, or an unsaved one with the defaults."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user, language=settings.LANGUAGE_CODE)


@transaction.atomic
def preference_set(*, user: User, channels: set[str], language: str) -> NotificationPreference:
    """The channels (among the offered) and the language a login chose in its profile.
    The channels not offered keep their value (they do not apply while not offered)."""
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user, defaults={"language": settings.LANGUAGE_CODE}
    )
    fields = ["language"]
    for channel in offered_channels():
        setattr(preference, channel, channel in channels)
        fields.append(channel)
    preference.language = language
    preference.full_clean()
    preference.save(update_fields=fields)
    return preference


def _code_hash(code: str) -> str:
    return salted_hmac("accounts.telegram-link", code, algorithm="sha256").hexdigest()


@transaction.atomic
def telegram_code_create(*, user: User) -> tuple[str, dt.datetime]:
    """A one-time code for the bot's deep link: only its hash is kept, it expires after
    ``TELEGRAM_LINK_CODE_TTL_SECONDS`` and a new one replaces the login's unused ones."""
    now = timezone.now()
    TelegramLinkCode.objects.filter(user=user, used_at__isnull=True).delete()
    code = secrets.token_urlsafe(24)  # 32 characters of the deep link's alphabet
    expires_at = now + dt.timedelta(seconds=settings.TELEGRAM_LINK_CODE_TTL_SECONDS)
    link = TelegramLinkCode(
        user=user, code_hash=_code_hash(code), created_at=now, expires_at=expires_at
    )
    link.full_clean()
    link.save()
    return code, expires_at


def telegram_deep_link(code: str) -> str:
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={code}"


def telegram_link(*, code: str, chat_id: int) -> tuple[str, User | None]:
    """Link the chat that sent ``/start <code>`` to the code's login: ``linked``,
    ``taken`` (the chat is another login's) or ``invalid`` (unknown, expired or used —
    except the same chat sending the same code again: Telegram redelivers updates)."""
    if not START_CODE.fullmatch(code):
        return "invalid", None
    now = timezone.now()
    try:
        with transaction.atomic():
            link = (
                TelegramLinkCode.objects.select_for_update()
                .select_related("user")
                .filter(code_hash=_code_hash(code))
                .first()
            )
            if link is None or not link.user.is_active:
                return "invalid", None
            preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
                user=link.user, defaults={"language": settings.LANGUAGE_CODE}
            )
            if link.used_at is not None:
                done = preference.telegram_chat_id == chat_id
                return ("linked", link.user) if done else ("invalid", None)
            if link.expires_at <= now:
                return "invalid", None
            mine = NotificationPreference.objects.filter(telegram_chat_id=chat_id)
            if mine.exclude(pk=preference.pk).exists():
                return "taken", None
            link.used_at = now
            link.save(update_fields=["used_at"])
            # Linking is asking for the channel: Telegram is chosen with it.
            preference.telegram_chat_id, preference.telegram_linked_at = chat_id, now
            preference.telegram = True
            preference.full_clean()
            preference.save(update_fields=["telegram_chat_id", "telegram_linked_at", "telegram"])
    except IntegrityError:  # the same chat linked to another login at the same moment
        return "taken", None
    return "linked", link.user


@transaction.atomic
def telegram_unlink(
    *, user: User | None = None, chat_id: int | None = None, tell: bool = False
) -> int | None:
    """Forget a login's chat (the profile's button) or a chat (``/stop``, the bot blocked);
    Telegram is no longer chosen. ``tell``: the chat is told, after the commit, in the
    login's language. Returns the chat that was linked."""
    rows = NotificationPreference.objects.select_for_update().filter(telegram_chat_id__isnull=False)
    row = (
        rows.filter(user=user) if user is not None else rows.filter(telegram_chat_id=chat_id)
    ).first()
    if row is None or (user is None and chat_id is None):
        return None
    was = row.telegram_chat_id
    row.telegram_chat_id, row.telegram_linked_at, row.telegram = None, None, False
    row.save(update_fields=["telegram_chat_id", "telegram_linked_at", "telegram"])
    if tell and was is not None:
        _reply(was, MSG_TELEGRAM_UNLINKED, message_language(row))
    return was


def _reply(chat_id: int, text: Promise, language: str) -> None:
    from accounts.tasks import telegram_reply

    transaction.on_commit(partial(telegram_reply.delay, chat_id, render(text, language)))


def _object(value: Any) -> dict[str, Any]:
    """A JSON object of an update, or an empty one for anything else (a malformed update
    is ignored, never a 500: Telegram would redeliver it for ever)."""
    return value if isinstance(value, dict) else {}


def telegram_update_handle(update: Any) -> str:
    """One update from the bot's webhook: ``/start <code>`` links the chat, ``/stop``
    unlinks it, the bot blocked by the user unlinks it; anything else is left. The replies
    go out in a task after the commit. Returns what was done (for the logs and tests)."""
    if not isinstance(update, dict):
        return "ignored"
    member = update.get("my_chat_member")
    if isinstance(member, dict):
        chat = _object(member.get("chat"))
        status = _object(member.get("new_chat_member")).get("status")
        if status == "kicked" and isinstance(chat.get("id"), int):
            return "unlinked" if telegram_unlink(chat_id=chat["id"]) else "ignored"
        return "ignored"
    message = update.get("message")
    if not isinstance(message, dict):
        return "ignored"
    chat, sender = _object(message.get("chat")), _object(message.get("from"))
    text = message.get("text")
    if (
        chat.get("type") != "private"
        or not isinstance(chat.get("id"), int)
        or not isinstance(text, str)
    ):
        return "ignored"
    chat_id = chat["id"]
    spoken = str(sender.get("language_code") or "")[:2]
    language = spoken if spoken in languages() else str(settings.LANGUAGE_CODE)
    command, _space, argument = text.strip().partition(" ")
    command = command.split("@", 1)[0]  # /start@MeningUyimBot
    if command == "/start":
        if not argument.strip():
            _reply(chat_id, MSG_TELEGRAM_HELLO, language)
            return "hello"
        outcome, user = telegram_link(code=argument.strip(), chat_id=chat_id)
        if user is not None:
            language = message_language(preference_of(user))
        reply = {"linked": MSG_TELEGRAM_LINKED, "taken": MSG_TELEGRAM_TAKEN}
        _reply(chat_id, reply.get(outcome, MSG_TELEGRAM_INVALID), language)
        return outcome
    if command == "/stop":
        was = telegram_unlink(chat_id=chat_id)
        _reply(chat_id, MSG_TELEGRAM_UNLINKED if was else MSG_TELEGRAM_HELLO, language)
        return "unlinked" if was else "hello"
    return "ignored"
