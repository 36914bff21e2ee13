"""Automatic lot formation as a service: ``lots_form`` (DOMAIN.md "Lots", "Formation").

Re-forming is safe next to council work:
- every draft it would replace is locked (``SELECT … FOR UPDATE``, in id order) and its
  status re-checked under the lock, so a lot that a council proposed meanwhile is never
  deleted or rewritten;
- drafts that carry council work (a move or a rejection in their history) are not
  discarded silently: the run refuses and names them. With ``force`` they are kept as
  records, emptied and marked *discarded*, with the reason in their history; drafts
  without council work are deleted;
- lot codes come from a per-region counter that only grows, so a code is never issued
  again for a different set of buildings.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from buildings.models import Building, Classification
from buildings.owner_pages import buildings_changed
from core.stamps import stamps_renew
from lots.errors import LotError
from lots.formation import Point, baseline_region, form_region, mean_distance_km, red_share_std
from lots.models import (
    LOTS_STAMP,
    CouncilDecision,
    Lot,
    LotBuilding,
    LotCodeCounter,
    LotStatus,
    LotStatusChange,
    ProgramItem,
)
from lots.program import program_generate
from territory.models import Region

MSG_COUNCIL_WORK = _(
    "Draft lots with council work exist: %(codes)s. Re-forming would discard the councils' "
    "moves and decisions; run again with --force to discard them (they stay on record)."
)
MSG_DISCARDED = _("Discarded when lots were formed again.")


@dataclass
class FormationReport:
    lots: int = 0
    min_apartments: int = 0
    mean_apartments: float = 0.0
    max_apartments: int = 0
    unassigned_buildings: int = 0
    discarded_drafts: int = 0
    mean_distance_km: float = 0.0
    red_share_std: float = 0.0
    baseline_mean_distance_km: float = 0.0
    baseline_red_share_std: float = 0.0
    baseline_lots: int = 0
    baseline_groups_mean_distance_km: float = 0.0
    baseline_per_district_mean_distance_km: float = 0.0
    baseline_per_district_undersized_lots: int = 0
    seconds: float = 0.0

    def as_dict(self, *, with_baseline: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not with_baseline:
            for key in [k for k in data if k.startswith("baseline")]:
                del data[key]
        return data


def _drafts_release(*, region: Region | None, force: bool) -> int:
    """Lock the drafts to be replaced and remove them; return how many were discarded."""
    drafts = Lot.objects.filter(status=LotStatus.DRAFT)
    if region is not None:
        drafts = drafts.filter(region=region)
    # FOR UPDATE re-evaluates the status after waiting: a lot proposed meanwhile drops out.
    locked = list(
        drafts.select_for_update()
        .order_by("pk")
        .annotate(
            worked=Exists(LotStatusChange.objects.filter(lot=OuterRef("pk")))
            | Exists(CouncilDecision.objects.filter(lot=OuterRef("pk")))
        )
    )
    worked = [lot for lot in locked if lot.worked]
    if worked and not force:
        raise LotError(MSG_COUNCIL_WORK % {"codes": ", ".join(lot.code for lot in worked)})
    ids = [lot.pk for lot in locked]
    ProgramItem.objects.filter(lot_id__in=ids).delete()
    members = LotBuilding.objects.filter(lot_id__in=ids)
    released = list(members.values_list("building_id", flat=True))
    # One DELETE, as Django makes it for a model without receivers: LotBuilding's
    # (lots.receivers) would make it load every row and send a signal for each, tens of
    # thousands on a national re-formation. Nothing refers to a LotBuilding. The caches
    # they keep are renewed here once instead.
    members._raw_delete(members.db)
    stamps_renew([LOTS_STAMP])
    buildings_changed(released)
    for lot in worked:
        LotStatusChange.objects.create(
            lot=lot,
            from_status=LotStatus.DRAFT,
            to_status=LotStatus.DISCARDED,
            comment=str(MSG_DISCARDED),
        )
    Lot.objects.filter(pk__in=[lot.pk for lot in worked]).update(status=LotStatus.DISCARDED)
    stamps_renew([LOTS_STAMP])  # an update, past the receivers
    Lot.objects.filter(pk__in=[lot.pk for lot in locked if not lot.worked]).delete()
    return len(worked)


@transaction.atomic
def lots_form(
    *, region: Region | None = None, force: bool = False, with_baseline: bool = False
) -> FormationReport:
    """Propose draft lots for every commissioned building not in a non-draft lot.

    Proposed, approved and later lots are never touched (see the module docstring for
    drafts with council work). Lot formation rules: lots.formation.
    """
    started = time.perf_counter()
    minimum = settings.LOT_MIN_APARTMENTS
    report = FormationReport()
    report.discarded_drafts = _drafts_release(region=region, force=force)
    candidates = Building.objects.filter(
        commissioned_at__isnull=False, lot_membership__isnull=True
    ).order_by("id")  # a deterministic input gives the same lots every run
    if region is not None:
        candidates = candidates.filter(region=region)
    by_region: dict[int, list[Point]] = {}
    for pk, region_id, district_id, lat, lon, apartments, klass in candidates.values_list(
        "id", "region_id", "district_id", "lat", "lon", "apartments_count", "classification"
    ):
        by_region.setdefault(region_id, []).append(
            Point(pk, district_id, lat, lon, apartments, klass == Classification.RED)
        )
    formed: list[tuple[int, list[Point]]] = []
    baseline: list[list[Point]] = []
    grouped: list[list[Point]] = []
    per_district: list[list[Point]] = []
    for region_id, points in by_region.items():
        lots, unassigned = form_region(points, minimum)
        report.unassigned_buildings += len(unassigned)
        formed.extend((region_id, lot) for lot in lots)
        if with_baseline:
            baseline.extend(baseline_region(points, minimum))
            grouped.extend(baseline_region(points, minimum, variant="groups"))
            per_district.extend(baseline_region(points, minimum, variant="per_district"))
    for lot in _save_lots(formed):
        program_generate(lot=lot)
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
        report.baseline_lots = len(baseline)
        report.baseline_groups_mean_distance_km = round(mean_distance_km(grouped), 3)
        report.baseline_per_district_mean_distance_km = round(mean_distance_km(per_district), 3)
        report.baseline_per_district_undersized_lots = sum(
            1 for lot in per_district if sum(p.apartments for p in lot) < minimum
        )
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def lot_codes_issue(*, region_id: int, count: int) -> list[str]:
    """``count`` new codes of the region, never issued before (counter row locked)."""
    counter, created = LotCodeCounter.objects.select_for_update().get_or_create(region_id=region_id)
    prefix = Region.objects.values_list("code", flat=True).get(pk=region_id)
    if created:  # lots made before the counter existed keep their numbers
        # only codes of the region's own form count ("UZ-TK-007"; not, say, a
        # benchmark's "BENCH-B7000")
        suffixes = (
            code.removeprefix(f"{prefix}-")
            for code in Lot.objects.filter(
                region_id=region_id, code__startswith=f"{prefix}-"
            ).values_list("code", flat=True)
        )
        counter.last = max((int(s) for s in suffixes if s.isdigit()), default=0)
    codes = [f"{prefix}-{counter.last + i:03d}" for i in range(1, count + 1)]
    counter.last += count
    counter.save(update_fields=["last"])
    return codes


def _save_lots(formed: list[tuple[int, list[Point]]]) -> list[Lot]:
    codes: dict[int, list[str]] = {}
    for region_id in sorted({r for r, _points in formed}):  # counters locked in id order
        wanted = sum(1 for r, _points in formed if r == region_id)
        codes[region_id] = lot_codes_issue(region_id=region_id, count=wanted)
    new_lots: list[Lot] = []
    for region_id, _points in formed:
        new_lots.append(
            Lot(
                code=codes[region_id].pop(0),
                region_id=region_id,
                status=LotStatus.DRAFT,
                tariff_tiyin_per_m2=settings.LOT_DEFAULT_TARIFF_TIYIN,
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
    # written in bulk, past the receivers: the councils' lists, and the owners' cached
    # pages, which name a building's lot
    stamps_renew([LOTS_STAMP])
    buildings_changed(
        p.id for _lot, (_r, points) in zip(created, formed, strict=True) for p in points
    )
    return created
