from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    """Regions and districts (cities of regional subordination included)."""

    name = "territory"
    verbose_name = _("Territory")
