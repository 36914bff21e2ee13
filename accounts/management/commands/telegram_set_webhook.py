"""Register the bot's webhook with Telegram: ``manage.py telegram_set_webhook
https://meninguyim.uz`` (the site's public address), or ``--delete`` it."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from accounts import telegram


class Command(BaseCommand):
    help = "Point the Telegram bot's webhook at this site (with TELEGRAM_WEBHOOK_SECRET)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("base_url", nargs="?", help="the site's public https:// address")
        parser.add_argument("--delete", action="store_true", help="remove the webhook")
        parser.add_argument(
            "--drop-pending", action="store_true", help="forget the updates Telegram holds"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.TELEGRAM_BOT_TOKEN:
            raise CommandError("TELEGRAM_BOT_TOKEN is not set")
        try:
            if options["delete"]:
                summary: dict[str, Any] = {"ok": telegram.delete_webhook(), "deleted": True}
            else:
                base = (options["base_url"] or "").rstrip("/")
                if not base.startswith("https://"):
                    raise CommandError("give the site's https:// address")
                if not settings.TELEGRAM_WEBHOOK_SECRET:
                    raise CommandError("TELEGRAM_WEBHOOK_SECRET is not set")
                url = base + reverse("accounts:telegram-webhook")
                ok = telegram.set_webhook(
                    url,
                    secret_token=settings.TELEGRAM_WEBHOOK_SECRET,
                    drop_pending_updates=options["drop_pending"],
                )
                summary = {"ok": ok, "url": url}
        except (telegram.TelegramError, telegram.TelegramUndeliverable) as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(self.style.SUCCESS(f"Telegram webhook: {summary}"))
