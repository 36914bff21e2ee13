from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeningUyimConfig(AppConfig):
    """The project package doubles as a small app: heartbeat, health, demo data, i18n tools."""

    name = "mening_uyim"
    verbose_name = _("System")
