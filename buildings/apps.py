from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuildingsConfig(AppConfig):
    """Regions, districts, buildings, apartments, ownership, assessments."""

    name = "buildings"
    verbose_name = _("Building registry")

    def ready(self) -> None:
        # the registry's cached counts follow its buildings
        from buildings import receivers  # noqa: F401
