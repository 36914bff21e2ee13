"""Reads of the registry. Every queryset that reaches a user is scoped by that user."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Replace, Upper
from django.shortcuts import get_object_or_404

from accounts.permissions import roles_of
from buildings.filters import (
    APOSTROPHES,
    CADASTRAL_SEPARATORS,
    RegistryFilter,
    district_not_in_region,
)
from buildings.models import (
    BUILDING_PUBLIC_FIELDS,
    REGISTRY_STAMP,
    Apartment,
    Building,
    ConditionAssessment,
    MonthlyConsumption,
    Ownership,
)
from buildings.policies import assessment_scope_q, oversight_q, private_visible
from core.stamps import cached_under
from territory.models import District, Region

T = TypeVar("T")

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


def _replaced(expression: Combinable | str, marks: tuple[str, ...], by: str) -> Any:
    result: Any = F(expression) if isinstance(expression, str) else expression
    for mark in marks:
        result = Replace(result, Value(mark), Value(by))
    return result


def _search(qs: QuerySet[Building], filters: RegistryFilter) -> QuerySet[Building]:
    """The search ``q`` (buildings.filters says how both sides are normalised): the
    address contains it, or the cadastral number starts with it. A search that is only
    separators ("::") has no cadastral part, and must not match every number."""
    qs = qs.alias(
        _address_key=_replaced("address", APOSTROPHES, "'"),
        _cadastral_key=Upper(_replaced("cadastral_number", CADASTRAL_SEPARATORS, "")),
    )
    condition = Q(_address_key__icontains=filters.q)
    if filters.q_cadastral:
        condition |= Q(_cadastral_key__startswith=filters.q_cadastral)
    return qs.filter(condition)


def buildings_filtered(filters: RegistryFilter) -> QuerySet[Building]:
    """The public registry narrowed by parsed filters (buildings.filters). The search
    narrows the same public rows and reads only public columns (address, cadastral
    number): a search can never find a building by its owners or their accounts."""
    qs = buildings_public()
    if filters.q:
        qs = _search(qs, filters)
    if filters.region_code:
        qs = qs.filter(region__code=filters.region_code)
    if filters.region_id is not None:
        qs = qs.filter(region_id=filters.region_id)
    if filters.district_id is not None:
        qs = qs.filter(district_id=filters.district_id)
    if filters.klass:
        qs = qs.filter(classification=filters.klass)
    return qs.order_by(*REGISTRY_ORDER)


REGISTRY_ORDER = ("region__name", "district__name", "address", "id")
# how long a page of the public registry stays cached (a search's too: the keys are many)
PAGE_SECONDS = 600


def registry_cached(kind: str, request_key: str, build: Callable[[], T]) -> T:
    """A page of the public registry (``kind``: the list's rows, the API's page) for one
    request key (its query string, language, host), from the shared cache while the
    registry's stamp holds; built and stored otherwise.

    What the public registry shows (a building's public columns, its district, region,
    class and manager's name) is renewed under REGISTRY_STAMP by every writer of those
    rows (buildings.receivers, the bulk writers of buildings.services, the import, the
    reclassification, the generator and the demo), so a cached page never outlives a
    change; PAGE_SECONDS only bounds the memory that many different searches take."""
    return cached_under([REGISTRY_STAMP], f"registry:{kind}:{request_key}", build, PAGE_SECONDS)


COUNTS_SECONDS = 600


def registry_rows(filters: RegistryFilter) -> QuerySet[Building] | RegistryRows:
    """What the registry list pages: the filtered buildings in the registry's order.

    Without a search, the rows come district by district (``RegistryRows``): the count is
    the sum of cached counts per district, and a page reads only the districts it spans.
    A search keeps the queryset: it narrows the rows by itself."""
    if filters.q or filters.q_cadastral:
        return buildings_filtered(filters)
    return RegistryRows(filters)


class RegistryRows:
    """The registry's rows without a search, for a paginator: ``count()`` and slices.

    Districts are totally ordered by (region name, district name): both are unique
    (territory.models), so the registry's order (REGISTRY_ORDER) is the districts in that
    order, each one's buildings by address and id. The number of buildings per district
    under the filters is one GROUP BY over the registry, cached under the registry's stamp,
    which every change to a building's existence, district or class renews
    (buildings.receivers, the import, the reclassification). A slice then reads, in one
    query in the registry's order, only the districts it spans, from the offset within the
    first of them; the count costs no query while the stamp holds.
    """

    def __init__(self, filters: RegistryFilter) -> None:
        self.filters = filters
        self._counts: list[tuple[int, int]] | None = None

    def _read(self) -> list[tuple[int, int]]:
        rows = dict(
            buildings_filtered(self.filters)
            .order_by()
            .values("district_id")
            .annotate(n=Count("id"))
            .values_list("district_id", "n")
        )
        order = District.objects.filter(pk__in=rows).order_by("region__name", "name")
        return [(pk, rows[pk]) for pk in order.values_list("pk", flat=True)]

    def counts(self) -> list[tuple[int, int]]:
        """(district id, buildings) in the registry's order, districts without any left out."""
        if self._counts is None:
            f = self.filters
            key = f"registry:counts:{f.region_code}:{f.region_id}:{f.district_id}:{f.klass}"
            self._counts = cached_under([REGISTRY_STAMP], key, self._read, COUNTS_SECONDS)
        return self._counts

    def count(self) -> int:
        return sum(n for _, n in self.counts())

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Building]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, key: int) -> Building: ...

    @overload
    def __getitem__(self, key: slice) -> list[Building]: ...

    def __getitem__(self, key: int | slice) -> Building | list[Building]:
        if isinstance(key, int) and not isinstance(key, bool):
            found = self[key : key + 1] if key >= 0 else []
            if not found:
                raise IndexError(key)
            return found[0]
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("RegistryRows takes an index or a slice")
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        if start < 0 or stop < start:
            raise ValueError("RegistryRows takes a non-negative slice")
        before, offset, spanned = 0, 0, list[int]()
        for district_id, n in self.counts():
            if before + n <= start:
                before += n
                continue
            if not spanned:
                offset = start - before
            spanned.append(district_id)
            before += n
            if before >= stop:
                break
        if not spanned or stop == start:
            return []
        rows = buildings_filtered(self.filters).filter(district_id__in=spanned)
        return list(rows[offset : offset + stop - start])


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


@dataclass(frozen=True)
class RegistryChoices:
    """What the registry's filter form offers: every region, and the districts of the
    chosen one only (none before a region is chosen)."""

    regions: list[Region]
    region: Region | None
    districts: list[District]

    def has_district(self, district_id: int | None) -> bool:
        return any(d.pk == district_id for d in self.districts)


def registry_choices(filters: RegistryFilter) -> RegistryChoices:
    """Regions (one query) and the chosen region's districts (one more). A district given
    without a region chooses its own region (one more), so the form shows both."""
    regions = list(Region.objects.order_by("name"))
    region = next(
        (r for r in regions if r.code == filters.region_code or r.pk == filters.region_id),
        None,
    )
    if region is None and not filters.region_chosen and filters.district_id is not None:
        region_id = (
            District.objects.filter(pk=filters.district_id)
            .values_list("region_id", flat=True)
            .first()
        )
        region = next((r for r in regions if r.pk == region_id), None)
    districts = list(region.districts.order_by("name")) if region is not None else []
    return RegistryChoices(regions, region, districts)


def districts_of_region(filters: RegistryFilter) -> list[District]:
    """The districts of the chosen region (by code or id), by name; none without one."""
    if filters.region_code:
        qs = District.objects.filter(region__code=filters.region_code)
    elif filters.region_id is not None:
        qs = District.objects.filter(region_id=filters.region_id)
    else:
        return []
    return list(qs.order_by("name"))


def district_mismatch(filters: RegistryFilter, choices: RegistryChoices | None = None) -> str:
    """The message when the filter's district is not in its region, else "".

    With ``choices`` (the page's form, already read) no query is made; without, one query
    reads the district's region. A district that does not exist is no mismatch: it
    simply matches no building, as before.
    """
    if filters.district_id is None or not filters.region_chosen:
        return ""
    if (
        choices is not None
        and choices.region is not None
        and choices.has_district(filters.district_id)
    ):
        return ""
    district = District.objects.select_related("region").filter(pk=filters.district_id).first()
    if district is None:
        return ""
    region = district.region
    if region.code == filters.region_code or region.pk == filters.region_id:
        return ""
    chosen = choices.region.name if choices is not None and choices.region else ""
    if not chosen:
        chosen = filters.region_code or str(filters.region_id)
    return district_not_in_region(district.name, chosen)


DEFAULT_MAP_REGION = "UZ-TK"  # the capital, for anonymous visitors and logins without a place


@dataclass(frozen=True)
class MapFocus:
    """Where the map opens: the region its filter starts with ("" for the whole country)
    and the box to show first, ((south, west), (north, east)), or None to fit the points."""

    region: str
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None


def _bounds_of(qs: QuerySet[Building]) -> tuple[str, Any] | None:
    """The region holding most of ``qs`` and the box of those buildings, in one query."""
    row = (
        qs.order_by()
        .values("region__code")
        .annotate(
            n=Count("id", distinct=True),
            south=Min("lat"),
            north=Max("lat"),
            west=Min("lon"),
            east=Max("lon"),
        )
        .order_by("-n", "region__code")
        .first()
    )
    if row is None:
        return None
    box = ((row["south"], row["west"]), (row["north"], row["east"]))
    return row["region__code"], box


def _region_focus(region_id: int) -> MapFocus:
    """A region's buildings' box (one query); an empty region falls back on its centroid
    (one more), and a region without either opens as the default."""
    found = _bounds_of(Building.objects.filter(region_id=region_id))
    if found is not None:
        return MapFocus(found[0], found[1])
    region = Region.objects.filter(pk=region_id).values("code", "lat", "lon").first()
    if region is None:
        return MapFocus(DEFAULT_MAP_REGION)
    if region["lat"] is None or region["lon"] is None:
        return MapFocus(region["code"])
    lat, lon = region["lat"], region["lon"]
    return MapFocus(region["code"], ((lat - 0.3, lon - 0.4), (lat + 0.3, lon + 0.4)))


def map_focus(user: Any) -> MapFocus:
    """Where the map opens for ``user`` (the first role that applies):

    - an inspector: their region; a national inspector (or an administrator): the country;
    - a council member: their district's region;
    - management company staff: the region of most of their company's buildings, framed on
      those buildings;
    - an owner: the building(s) they own in;
    - anyone else (anonymous included): the default region, fitted to its points.

    The map is public, so this only chooses a view; it grants nothing.
    """
    roles = roles_of(user)
    if roles.superuser or roles.is_national_inspector:
        box = Building.objects.aggregate(
            south=Min("lat"), north=Max("lat"), west=Min("lon"), east=Max("lon")
        )
        if box["south"] is None:
            return MapFocus("")
        return MapFocus("", ((box["south"], box["west"]), (box["north"], box["east"])))
    if roles.inspector and roles.inspector_region_id is not None:
        return _region_focus(roles.inspector_region_id)
    if roles.council_region_id is not None:
        return _region_focus(roles.council_region_id)
    if roles.organization_id is not None:
        found = _bounds_of(Building.objects.filter(manager_id=roles.organization_id))
        if found is not None:
            return MapFocus(*found)
    if roles.person is not None and roles.owns_apartments:
        found = _bounds_of(
            Building.objects.filter(
                apartments__ownerships__person_id=roles.person.pk,
                apartments__ownerships__until__isnull=True,
            )
        )
        if found is not None:
            return MapFocus(*found)
    return MapFocus(DEFAULT_MAP_REGION)
