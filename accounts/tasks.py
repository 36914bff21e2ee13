"""Sending notifications (accounts.notifications); retried on a failing channel."""

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
    """Send every unsent notification of one message (each at most once: a retry resumes
    where the last run stopped)."""
    pending = Notification.objects.filter(key=key, channel=channel, sent_at__isnull=True)
    sent = 0
    for pk in pending.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000):
        sent += notification_deliver(pk) == "sent"
    return sent
