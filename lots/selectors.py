"""Reads of lots, each scoped to the user who asks (an outsider gets 404)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.permissions import roles_of
from buildings.models import Building
from lots.models import Lot, LotStatus, ProgramItem
from territory.models import District

OPEN_TO_OWNERS = (LotStatus.APPROVED, LotStatus.ELECTION, LotStatus.MANAGED, LotStatus.REELECTION)


def _touching_district(district_id: int) -> Any:
    """Ids of lots with at least one building in the district (a subquery)."""
    return Lot.objects.filter(members__building__district_id=district_id).values("pk")


def lots_visible_to(user: Any) -> QuerySet[Lot]:
    """The same rule as accounts.permissions Action.VIEW_LOT, as one query."""
    roles = roles_of(user)
    qs = Lot.objects.select_related("region", "manager")
    if roles.superuser or roles.is_national_inspector:
        return qs
    if not roles.authenticated:
        return qs.none()
    condition = Q(pk__in=[])
    if roles.inspector and roles.inspector_region_id is not None:
        condition |= Q(region_id=roles.inspector_region_id)
    if roles.council_district_id is not None:
        condition |= Q(pk__in=_touching_district(roles.council_district_id))
    if roles.is_mc_staff:
        condition |= Q(manager_id=roles.organization_id)
    if roles.owns_apartments and roles.person is not None:
        condition |= Q(
            status__in=OPEN_TO_OWNERS,
            pk__in=Lot.objects.filter(
                members__building__apartments__ownerships__person_id=roles.person.pk,
                members__building__apartments__ownerships__until__isnull=True,
            ).values("pk"),
        )
    return qs.filter(condition)


def lot_for(user: Any, pk: int) -> Lot:
    return get_object_or_404(lots_visible_to(user), pk=pk)


def lot_buildings(lot: Lot) -> list[Building]:
    return list(
        Building.objects.filter(lot_membership__lot=lot)
        .select_related("district")
        .only(
            "id",
            "address",
            "lat",
            "lon",
            "apartments_count",
            "living_area_m2",
            "classification",
            "district__name",
            "cadastral_number",
            "district_id",
        )
        .order_by("district__name", "address")
    )


def lot_stats(buildings: list[Building]) -> dict[str, Any]:
    classes = Counter(b.classification for b in buildings)
    return {
        "buildings": len(buildings),
        "apartments": sum(b.apartments_count for b in buildings),
        "area_m2": sum(b.living_area_m2 for b in buildings),
        "classes": {k: classes.get(k, 0) for k in ("green", "yellow", "red", "unassessed")},
        "districts": sorted({b.district.name for b in buildings}),
    }


def lot_program(lot: Lot) -> list[ProgramItem]:
    return list(
        ProgramItem.objects.filter(lot=lot)
        .select_related("building")
        .only(
            "id",
            "year",
            "element",
            "work",
            "cost_tiyin",
            "urgent",
            "building__address",
            "building__classification",
            "lot_id",
            "building_id",
        )
        .order_by("year", "building__address", "element")
    )


def council_lots(user: Any) -> QuerySet[Lot]:
    """A council member's work list: every lot touching their district."""
    roles = roles_of(user)
    if roles.council_district_id is None:
        return Lot.objects.none()
    return (
        Lot.objects.filter(pk__in=_touching_district(roles.council_district_id))
        .select_related("region", "manager")
        .order_by("status", "code")
    )


def draft_lots_of_district(district_id: int) -> QuerySet[Lot]:
    return Lot.objects.filter(
        status=LotStatus.DRAFT, pk__in=_touching_district(district_id)
    ).order_by("code")


def district_of(user: Any) -> District | None:
    roles = roles_of(user)
    if roles.council_district_id is None:
        return None
    return District.objects.filter(pk=roles.council_district_id).first()
