"""What is cached of the public registry (buildings.selectors: the counts per district and
class, the list's and the API's pages) follows its rows: a building, a district, a region
or a management company (whose name the registry shows) saved or deleted one by one renews
REGISTRY_STAMP. The bulk writers (buildings.services, the Turar-Joy import, the
reclassification, the generator, the demo) renew it themselves."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from buildings.models import REGISTRY_STAMP, Apartment, Building, ConditionAssessment
from buildings.owner_pages import follow
from core.stamps import stamps_renew


def _registry_changed(sender: Any, **kwargs: Any) -> None:
    stamps_renew([REGISTRY_STAMP])


for _signal in (post_save, post_delete):
    for _model in (Building, "territory.District", "territory.Region"):
        _signal.connect(
            _registry_changed, sender=_model, dispatch_uid=f"registry-{_model}-{_signal}"
        )
    _signal.connect(
        _registry_changed,
        sender="organizations.ManagementCompany",
        dispatch_uid=f"registry-mc-{_signal}",
    )

# the owners' cached pages (buildings.owner_pages): a building's apartments and assessments
follow(Building, lambda row: [row.pk], "building")
follow(Apartment, lambda row: [row.building_id], "apartment")
follow(ConditionAssessment, lambda row: [row.building_id], "assessment")
