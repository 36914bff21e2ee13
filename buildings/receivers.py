"""The registry's cached counts per district and class (buildings.selectors.RegistryRows)
follow the buildings: a building saved or deleted one by one renews their stamp. The
bulk writers (the Turar-Joy import, the reclassification) renew it themselves."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from buildings.models import REGISTRY_STAMP, Building
from core.stamps import stamps_renew


def _registry_changed(sender: Any, **kwargs: Any) -> None:
    stamps_renew([REGISTRY_STAMP])


post_save.connect(_registry_changed, sender=Building, dispatch_uid="registry-counts-save")
post_delete.connect(_registry_changed, sender=Building, dispatch_uid="registry-counts-delete")
