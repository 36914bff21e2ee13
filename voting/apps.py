from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    """Lot elections, general meetings, ballots, hash chain, tallies."""

    name = "voting"
    verbose_name = _("Voting")

    def ready(self) -> None:
        # what the owners' cached pages show follows these rows (buildings.owner_pages)
        from voting import receivers  # noqa: F401
