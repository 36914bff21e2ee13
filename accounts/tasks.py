"""Sending notifications (accounts.notifications) and the bot's replies; retried with
backoff on a failing channel (every channel's transient failure is an ``OSError``)."""

from __future__ import annotations

from celery import shared_task

from accounts.models import Notification
from accounts.notifications import notification_deliver


@shared_task(
    name="accounts.tasks.notification_send",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notification_send(notification_id: int) -> str:
    return notification_deliver(notification_id)


@shared_task(
    name="accounts.tasks.notifications_send_key",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notifications_send_key(key: str, channel: str) -> int:
    """Send every unsent notification of one message, each at most once.

    A failing row does not hold up the others: the run goes on, and at its end raises the
    first failure, so that the retry (with backoff) takes only what is still unsent — the
    rows already sent are committed with their ``sent_at`` and skipped."""
    pending = Notification.objects.filter(key=key, channel=channel, sent_at__isnull=True)
    sent = 0
    failure: OSError | None = None
    for pk in pending.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000):
        try:
            sent += notification_deliver(pk) == "sent"
        except OSError as exc:
            failure = failure or exc
    if failure is not None:
        raise failure
    return sent


@shared_task(
    name="accounts.tasks.telegram_reply",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def telegram_reply(chat_id: int, text: str) -> None:
    """The bot's answer to a chat's command, sent out of the webhook's request (which
    answers Telegram at once). A chat that blocked the bot is not retried."""
    from accounts import telegram

    try:
        telegram.send_message(chat_id, text)
    except telegram.TelegramUndeliverable:
        return
