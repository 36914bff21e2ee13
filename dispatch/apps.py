from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    """Tickets, triage, deadlines, escalation, appeals, scorecards."""

    name = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        # what the owners' cached pages show follows these rows (buildings.owner_pages)
        from dispatch import receivers  # noqa: F401
