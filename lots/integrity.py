"""The lot rules checked over the whole registry, for ``check_registry`` (issue 8, point 3).

Lot totals are derived (lots.selectors.with_totals), so they cannot drift; what can go
wrong is a lot past draft that no longer keeps the rules against its rows: buildings
outside the lot's region, or fewer apartments than LOT_MIN_APARTMENTS. Both are found with
set-based queries, whatever the number of lots.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef

from buildings.models import Apartment, Building
from lots.models import Lot, LotStatus

LIMIT = 100
CHECKED = (
    LotStatus.PROPOSED,
    LotStatus.APPROVED,
    LotStatus.ELECTION,
    LotStatus.MANAGED,
    LotStatus.REELECTION,
)


def lot_violations(*, limit: int = LIMIT) -> dict[str, Any]:
    lots = Lot.objects.filter(status__in=CHECKED).order_by()
    foreign = Building.objects.filter(lot_membership__lot=OuterRef("pk")).exclude(
        region_id=OuterRef("region_id")
    )
    multi_region = lots.filter(Exists(foreign))
    sizes = (
        Apartment.objects.filter(building__lot_membership__lot__status__in=CHECKED)
        .values("building__lot_membership__lot")
        .annotate(n=Count("id"))
    )
    minimum = settings.LOT_MIN_APARTMENTS
    big_enough = {row["building__lot_membership__lot"] for row in sizes if row["n"] >= minimum}
    undersized = lots.exclude(pk__in=big_enough)
    report: dict[str, Any] = {}
    for name, qs in (("lots_outside_their_region", multi_region), ("lots_undersized", undersized)):
        codes = list(qs.order_by("code").values_list("code", flat=True)[: limit + 1])
        report[name] = {"count": qs.count(), "codes": codes[:limit]}
    report["ok"] = not any(
        report[n]["count"] for n in ("lots_outside_their_region", "lots_undersized")
    )
    return report
