from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    """Tariffs, accrual, ledger, payments, receipts, quarterly reports."""

    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        # what the owners' cached pages show follows these rows (buildings.owner_pages)
        from billing import receivers  # noqa: F401
