"""One small interface for telling a person something: ``notify(person=…, key=…, …)``.

A notification is a row first (``Notification``), unique per (person, key, channel), so a
repeated call, a retried task or a second beat run sends nothing twice. Sending is a
Celery task (``accounts.tasks.notification_send``) that locks the row and sends only if it
has not been sent. Channels are back-ends chosen by ``NOTIFY_CHANNELS``; email (Django's
mail, the console in development) is the one built here, and SMS or Telegram add a
back-end without touching the apps that notify (voting, dispatch, billing).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from accounts.models import Notification, Person


def _email(notification: Notification) -> bool:
    user = notification.person.user
    if user is None or not user.email:
        return False  # nowhere to send: recorded, not sent
    send_mail(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        fail_silently=False,
    )
    return True


BACKENDS: dict[str, Callable[[Notification], bool]] = {"email": _email}


def notify(*, person: Person, key: str, subject: str, body: str) -> list[Notification]:
    """Record the message for every configured channel and send it after the commit."""
    from accounts.tasks import notification_send

    made: list[Notification] = []
    for channel in settings.NOTIFY_CHANNELS:
        if channel not in BACKENDS:
            raise ImproperlyConfigured(f"NOTIFY_CHANNELS: unknown channel {channel!r}")
        try:
            with transaction.atomic():
                row = Notification.objects.create(
                    person=person, key=key[:200], channel=channel, subject=subject[:200], body=body
                )
        except IntegrityError:
            continue  # told already
        made.append(row)
        transaction.on_commit(partial(notification_send.delay, row.pk))
    return made


def notify_many(*, person_ids: Any, key: str, subject: str, body: str) -> int:
    """The same message to many people (a queryset of person ids): set-based, once per
    person and channel; one task then sends what is unsent for the key."""
    from accounts.tasks import notifications_send_key

    created = 0
    for channel in settings.NOTIFY_CHANNELS:
        told = Notification.objects.filter(key=key[:200], channel=channel).values("person_id")
        rows = [
            Notification(
                person_id=pk, key=key[:200], channel=channel, subject=subject[:200], body=body
            )
            for pk in person_ids.exclude(pk__in=told).values_list("pk", flat=True)
        ]
        Notification.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        created += len(rows)
        transaction.on_commit(partial(notifications_send_key.delay, key[:200], channel))
    return created


def notification_deliver(notification_id: int) -> str:
    """Send one notification at most once: the row is locked, and a sent row is left."""
    from django.utils import timezone

    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("person__user")
            .filter(pk=notification_id)
            .first()
        )
        if row is None or row.sent_at is not None:
            return "skipped"
        backend: Callable[[Notification], Any] = BACKENDS[row.channel]
        delivered = backend(row)
        row.sent_at = timezone.now()
        row.delivered = bool(delivered)
        row.save(update_fields=["sent_at", "delivered"])
    return "sent" if delivered else "undeliverable"
