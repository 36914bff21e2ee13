"""Reads of lots, each scoped to the user who asks (an outsider gets 404)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import DecimalField, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.permissions import roles_of
from buildings.models import REGISTRY_STAMP, Building, Classification
from core.stamps import cached_under
from lots import policies
from lots.models import (
    LOTS_STAMP,
    Lot,
    LotBuilding,
    LotStatus,
    LotStatusChange,
    ProgramAmendment,
    ProgramItem,
)
from organizations.models import RegisterStatus
from territory.models import District


def with_totals(qs: QuerySet[Lot]) -> QuerySet[Lot]:
    """Annotate ``apartments`` and ``area_m2``, derived from the lot's buildings (one
    subquery each, so a cached figure can never drift from its rows)."""
    members = LotBuilding.objects.filter(lot=OuterRef("pk")).values("lot")
    return qs.annotate(
        apartments=Coalesce(
            Subquery(members.annotate(s=Sum("building__apartments_count")).values("s")),
            Value(0),
            output_field=IntegerField(),
        ),
        area_m2=Coalesce(
            Subquery(members.annotate(s=Sum("building__living_area_m2")).values("s")),
            Value(0),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
    )


def lots_visible_to(user: Any) -> QuerySet[Lot]:
    """Lots ``user`` may see (lots.policies.lot_scope_q), with their derived totals."""
    return with_totals(
        Lot.objects.select_related("region", "manager").filter(policies.lot_scope_q(roles_of(user)))
    )


def lot_history(lot: Lot) -> list[LotStatusChange]:
    """The lot's history. Who acted is shown by role and district, never by login."""
    return list(lot.history.select_related("by_district").order_by("at", "id"))


def lot_amendments(lot: Lot) -> list[ProgramAmendment]:
    return list(
        lot.amendments.select_related("item__building")
        .prefetch_related("decisions__district")
        .order_by("-proposed_at", "-id")
    )


def manager_removed(lot: Lot) -> bool:
    """The lot's MC was removed from the register: it has no valid manager."""
    return lot.manager is not None and lot.manager.status == RegisterStatus.REMOVED


def lot_for(user: Any, pk: int) -> Lot:
    return get_object_or_404(lots_visible_to(user), pk=pk)


def lot_buildings(lot: Lot) -> list[Building]:
    """Every building of the lot, in one query, with only what the lot page shows.

    The page needs them all (its map's points and its figures), and a lot is bounded by
    its own rule (about 7,000 to 15,000 apartments, some hundreds of buildings), so the
    page's table is a page of this list (``lot_buildings_page``) rather than one more query.
    """
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


LOT_BUILDINGS_PER_PAGE = 25
CLASSES = Classification.choices  # green, yellow, red, unassessed: the order of the badges


def lot_buildings_page(buildings: list[Building], number: Any) -> Page[Building]:
    """One page of the lot's buildings table (no query: ``buildings`` is already read)."""
    return Paginator(buildings, LOT_BUILDINGS_PER_PAGE).get_page(number)


def lot_stats(buildings: list[Building]) -> dict[str, Any]:
    """Figures of the lot page, derived from its buildings' rows. ``classes`` is a list of
    (class, its name, count) in the order green, yellow, red, unassessed: a badge names its
    class, never by colour alone."""
    classes = Counter(b.classification for b in buildings)
    return {
        "buildings": len(buildings),
        "apartments": sum(b.apartments_count for b in buildings),
        "area_m2": sum(b.living_area_m2 for b in buildings),
        "classes": [
            (value, label, classes.get(value, 0)) for value, label in Classification.choices
        ],
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


COUNCIL_LOTS_SECONDS = 600


def council_lots(user: Any) -> list[Lot]:
    """A council member's work list: every lot touching their district. Kept in the shared
    cache per district under LOTS_STAMP (the lots and their buildings) and REGISTRY_STAMP
    (the buildings' totals, the companies' names): a council's page reads no lot then."""
    roles = roles_of(user)

    def read() -> list[Lot]:
        return list(
            with_totals(
                Lot.objects.filter(policies.council_q(roles))
                .select_related("region", "manager")
                .order_by("status", "code")
            )
        )

    if roles.council_district_id is None:
        return read()  # no district: the policy gives nothing
    key = f"council-lots:{roles.council_district_id}"
    return cached_under([LOTS_STAMP, REGISTRY_STAMP], key, read, COUNCIL_LOTS_SECONDS)


def draft_lots_of_council(user: Any) -> QuerySet[Lot]:
    """Draft lots the council member may move buildings into."""
    return with_totals(
        Lot.objects.filter(policies.council_q(roles_of(user)), status=LotStatus.DRAFT).order_by(
            "code"
        )
    )


def district_of(user: Any) -> District | None:
    roles = roles_of(user)
    if roles.council_district_id is None:
        return None
    return District.objects.filter(pk=roles.council_district_id).first()
