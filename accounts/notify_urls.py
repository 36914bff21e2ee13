"""Notification settings, the Telegram link and the bot's webhook (/me/notifications/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from accounts import views

urlpatterns: list[URLPattern] = [
    path("", views.notify_settings, name="notify-settings"),
    path("telegram/link/", views.telegram_link, name="telegram-link"),
    path("telegram/unlink/", views.telegram_unlink, name="telegram-unlink"),
    path("telegram/webhook/", views.telegram_webhook, name="telegram-webhook"),
]
