from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotsConfig(AppConfig):
    """Lots, automatic formation, five-year programs, council approval."""

    name = "lots"
    verbose_name = _("Lots")

    def ready(self) -> None:
        # what the owners' cached pages show follows these rows (buildings.owner_pages)
        from lots import receivers  # noqa: F401
