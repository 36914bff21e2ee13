from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OneIdConfig(AppConfig):
    """A sub-app of ``accounts``: allauth finds social providers by installed app."""

    name = "accounts.oneid"
    label = "oneid"
    verbose_name = _("OneID")
