"""Reads of the registry. Every queryset that reaches a user is scoped by that user."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.permissions import roles_of
from buildings.filters import RegistryFilter
from buildings.models import (
    BUILDING_PUBLIC_FIELDS,
    Apartment,
    Building,
    ConditionAssessment,
    MonthlyConsumption,
    Ownership,
)
from buildings.policies import assessment_scope_q, oversight_q, private_visible
from territory.models import Region

PUBLIC_BUILDING_FIELDS = (
    "id",
    "cadastral_number",
    *BUILDING_PUBLIC_FIELDS,
    "management_method",
    "manager_name",
    "classification",
    "overall_wear",
    "region_id",
    "district_id",
    "manager_id",
    "latest_assessment_id",
    "commissioned_at",
)


def buildings_public() -> QuerySet[Building]:
    """The public registry: every building, only its public columns."""
    return Building.objects.select_related("region", "district", "manager").only(
        *PUBLIC_BUILDING_FIELDS,
        "region__name",
        "region__code",
        "district__name",
        "manager__name",
        "manager__status",
    )


def buildings_filtered(filters: RegistryFilter) -> QuerySet[Building]:
    """The public registry narrowed by parsed filters (buildings.filters)."""
    qs = buildings_public()
    if filters.region_code:
        qs = qs.filter(region__code=filters.region_code)
    if filters.region_id is not None:
        qs = qs.filter(region_id=filters.region_id)
    if filters.district_id is not None:
        qs = qs.filter(district_id=filters.district_id)
    if filters.klass:
        qs = qs.filter(classification=filters.klass)
    return qs.order_by("region__name", "district__name", "address", "id")


def buildings_in_scope_of(user: Any) -> QuerySet[Building]:
    """Buildings an inspector oversees (their region; all for national), for admin and API."""
    return Building.objects.filter(oversight_q(roles_of(user)))


def building_page(building_id: int) -> Building:
    """One building with what its public page shows; 404 if it does not exist."""
    return get_object_or_404(buildings_public(), pk=building_id)


def building_assessments(building: Building, *, limit: int = 20) -> list[ConditionAssessment]:
    return list(building.assessments.order_by("-assessed_on", "-id")[:limit])


def building_consumption(building: Building, *, months: int = 12) -> list[MonthlyConsumption]:
    rows = list(building.consumption.order_by("-month")[:months])
    rows.reverse()
    return rows


def building_apartments_private(user: Any, building: Building) -> list[Apartment] | None:
    """Apartments with their current owners, or None when ``user`` may not see them."""
    if not private_visible(roles_of(user), building):
        return None
    current = Ownership.objects.filter(until__isnull=True).select_related("person")
    return list(
        building.apartments.order_by("id").prefetch_related(
            Prefetch("ownerships", queryset=current, to_attr="current_owners")
        )
    )


def my_apartments(user: Any) -> list[Apartment]:
    """The owner's apartments (current ownership), each with its building and latest assessment."""
    roles = roles_of(user)
    if roles.person is None:
        return []
    return list(
        Apartment.objects.filter(
            ownerships__person_id=roles.person.pk, ownerships__until__isnull=True
        )
        .select_related(
            "building__region",
            "building__district",
            "building__latest_assessment",
            "building__manager",
        )
        .annotate(
            share_numerator=F("ownerships__share_numerator"),
            share_denominator=F("ownerships__share_denominator"),
        )
        .order_by("building__address", "number")
    )


def assessments_visible_to(user: Any) -> QuerySet[ConditionAssessment]:
    """Inspectors: their region's assessments; owners: those of buildings they own in."""
    return ConditionAssessment.objects.select_related("building").filter(
        assessment_scope_q(roles_of(user))
    )


def map_points(filters: RegistryFilter) -> list[list[Any]]:
    """Compact points for the map: [id, lat, lon, class]."""
    qs = buildings_filtered(filters)
    return [
        [pk, round(lat, 5), round(lon, 5), klass]
        for pk, lat, lon, klass in qs.order_by().values_list("id", "lat", "lon", "classification")
    ]


def regions_with_districts() -> list[Region]:
    return list(Region.objects.prefetch_related("districts").order_by("name"))
