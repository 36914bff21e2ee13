"""State changes of lots. Reactions to other apps' events live here (the upper app)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.models import User
from buildings.models import Building, Classification, Region
from lots.formation import (
    Point,
    baseline_region,
    form_region,
    mean_distance_km,
    red_share_std,
)
from lots.models import Lot, LotBuilding, LotStatus, LotStatusChange
from organizations.models import ManagementCompany, Removal
from organizations.services import mc_remove

REELECTION_FROM = (LotStatus.ELECTION, LotStatus.MANAGED)


def lot_status_set(*, lot: Lot, to: LotStatus, by: User | None, comment: str = "") -> Lot:
    """Change a lot's status and keep the change in its history."""
    change = LotStatusChange(lot=lot, from_status=lot.status, to_status=to, by=by, comment=comment)
    lot.status = to
    lot.save(update_fields=["status"])
    change.save()
    return lot


@transaction.atomic
def mc_remove_from_register(
    *, mc: ManagementCompany, reason: str, removed_on: dt.date, inspector: User
) -> tuple[Removal, list[Lot]]:
    """Remove an MC from the register; its lots go to re-election (DOMAIN.md).

    The removed MC can no longer stand in elections (eligibility requires "registered").
    """
    removal = mc_remove(mc=mc, reason=reason, removed_on=removed_on, inspector=inspector)
    lots = list(Lot.objects.select_for_update().filter(manager=mc, status__in=REELECTION_FROM))
    comment = f"{removal.removed_on:%d.%m.%Y}: {removal.reason}"
    for lot in lots:
        lot_status_set(lot=lot, to=LotStatus.REELECTION, by=inspector, comment=comment)
    return removal, lots


@dataclass
class FormationReport:
    lots: int = 0
    min_apartments: int = 0
    mean_apartments: float = 0.0
    max_apartments: int = 0
    unassigned_buildings: int = 0
    mean_distance_km: float = 0.0
    red_share_std: float = 0.0
    baseline_mean_distance_km: float = 0.0
    baseline_red_share_std: float = 0.0
    baseline_literal_mean_distance_km: float = 0.0
    baseline_literal_undersized_lots: int = 0
    seconds: float = 0.0

    def as_dict(self, *, with_baseline: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not with_baseline:
            for key in [k for k in data if k.startswith("baseline")]:
                del data[key]
        return data


@transaction.atomic
def lots_form(*, region: Region | None = None, with_baseline: bool = False) -> FormationReport:
    """Propose draft lots for every commissioned building not in a non-draft lot.

    Re-running replaces earlier *draft* lots only (of the region, if given); proposed,
    approved and later lots are never touched. Lot formation rules: lots.formation.
    """
    started = time.perf_counter()
    minimum = settings.LOT_MIN_APARTMENTS
    drafts = Lot.objects.filter(status=LotStatus.DRAFT)
    if region is not None:
        drafts = drafts.filter(region=region)
    LotBuilding.objects.filter(lot__in=drafts).delete()
    drafts.delete()
    candidates = Building.objects.filter(commissioned_at__isnull=False, lot_membership__isnull=True)
    if region is not None:
        candidates = candidates.filter(region=region)
    by_region: dict[int, list[Point]] = {}
    for pk, region_id, district_id, lat, lon, apartments, klass in candidates.values_list(
        "id", "region_id", "district_id", "lat", "lon", "apartments_count", "classification"
    ):
        by_region.setdefault(region_id, []).append(
            Point(pk, district_id, lat, lon, apartments, klass == Classification.RED)
        )
    report = FormationReport()
    formed: list[tuple[int, list[Point]]] = []
    baseline: list[list[Point]] = []
    literal: list[list[Point]] = []
    for region_id, points in by_region.items():
        lots, unassigned = form_region(points, minimum)
        report.unassigned_buildings += len(unassigned)
        formed.extend((region_id, lot) for lot in lots)
        if with_baseline:
            baseline.extend(baseline_region(points, minimum))
            literal.extend(baseline_region(points, minimum, literal=True))
    _save_lots(formed)
    sizes = [sum(p.apartments for p in lot) for _r, lot in formed]
    if sizes:
        report.lots = len(sizes)
        report.min_apartments = min(sizes)
        report.max_apartments = max(sizes)
        report.mean_apartments = round(sum(sizes) / len(sizes), 1)
        report.mean_distance_km = round(mean_distance_km([lot for _r, lot in formed]), 3)
        report.red_share_std = round(red_share_std([lot for _r, lot in formed]), 4)
    if with_baseline:
        report.baseline_mean_distance_km = round(mean_distance_km(baseline), 3)
        report.baseline_red_share_std = round(red_share_std(baseline), 4)
        report.baseline_literal_mean_distance_km = round(mean_distance_km(literal), 3)
        report.baseline_literal_undersized_lots = sum(
            1 for lot in literal if sum(p.apartments for p in lot) < minimum
        )
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _save_lots(formed: list[tuple[int, list[Point]]]) -> None:
    codes = {r.pk: r.code for r in Region.objects.all()}
    taken: dict[int, int] = {}
    for region_id, code in Lot.objects.values_list("region_id", "code"):
        taken[region_id] = max(taken.get(region_id, 0), int(code.rsplit("-", 1)[-1]))
    areas = dict(
        Building.objects.filter(pk__in=[p.id for _r, lot in formed for p in lot]).values_list(
            "id", "living_area_m2"
        )
    )
    new_lots: list[Lot] = []
    for region_id, points in formed:
        taken[region_id] = taken.get(region_id, 0) + 1
        new_lots.append(
            Lot(
                code=f"{codes[region_id]}-{taken[region_id]:03d}",
                region_id=region_id,
                status=LotStatus.DRAFT,
                tariff_tiyin_per_m2=settings.LOT_DEFAULT_TARIFF_TIYIN,
                apartments=sum(p.apartments for p in points),
                area_m2=sum((areas[p.id] for p in points), Decimal(0)),
            )
        )
    created = Lot.objects.bulk_create(new_lots, batch_size=500)
    LotBuilding.objects.bulk_create(
        [
            LotBuilding(lot=lot, building_id=p.id)
            for lot, (_r, points) in zip(created, formed, strict=True)
            for p in points
        ],
        batch_size=5000,
    )
