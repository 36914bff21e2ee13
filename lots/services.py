"""State changes of lots. Reactions to other apps' events live here (the upper app)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import roles_of
from buildings.models import Building, Classification
from lots.formation import (
    Point,
    baseline_region,
    form_region,
    mean_distance_km,
    red_share_std,
)
from lots.models import (
    CouncilDecision,
    Lot,
    LotBuilding,
    LotStatus,
    LotStatusChange,
    ProgramItem,
)
from lots.program import program_generate
from organizations.models import ManagementCompany, Removal
from organizations.services import mc_remove
from territory.models import Region

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
    report = FormationReport()
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


def _save_lots(formed: list[tuple[int, list[Point]]]) -> list[Lot]:
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
    return created


# --- council approval -------------------------------------------------------------------

MSG_NOT_DRAFT = _("Only draft lots can be changed; this lot is %(status)s.")
MSG_NOT_YOUR_DISTRICT = _("Only the council of a district with buildings in the lot may do this.")
MSG_BUILDING_NOT_IN_DISTRICT = _("You may move buildings of your own district only.")
MSG_OTHER_REGION = _("A lot stays within one region.")
MSG_SAME_LOT = _("The building is already in this lot.")
MSG_TOO_SMALL = _(
    "Moving it would leave %(lot)s with %(left)s apartments; a lot needs at least %(minimum)s."
)
MSG_NOT_PROPOSED = _("Only a proposed lot can be approved or rejected.")
MSG_ALREADY_DECIDED = _("Your council has already decided on this lot in this round.")


class LotError(Exception):
    def __init__(self, message: object) -> None:
        self.message = str(message)
        super().__init__(self.message)


def lot_district_ids(lot: Lot) -> set[int]:
    return set(
        Building.objects.filter(lot_membership__lot=lot).values_list("district_id", flat=True)
    )


def _council_district(user: User, lot: Lot) -> int:
    roles = roles_of(user)
    if roles.council_district_id is None or roles.council_district_id not in lot_district_ids(lot):
        raise LotError(MSG_NOT_YOUR_DISTRICT)
    return roles.council_district_id


def _refresh_totals(lot: Lot) -> None:
    agg = Building.objects.filter(lot_membership__lot=lot).aggregate(
        apartments=Sum("apartments_count"), area=Sum("living_area_m2")
    )
    lot.apartments = agg["apartments"] or 0
    lot.area_m2 = agg["area"] or Decimal(0)
    lot.save(update_fields=["apartments", "area_m2"])


@transaction.atomic
def lot_building_move(*, building: Building, to_lot: Lot, by: User) -> None:
    """A council member moves a building of their district between two draft lots.

    Validated by the formation rules: both lots draft, one region, the source lot keeps at
    least the minimum number of apartments. Both programs are regenerated.
    """
    membership = (
        LotBuilding.objects.select_for_update().select_related("lot").get(building=building)
    )
    from_lot = membership.lot
    lots = {
        lot.pk: lot
        for lot in Lot.objects.select_for_update().filter(pk__in=[from_lot.pk, to_lot.pk])
    }
    from_lot, to_lot = lots[from_lot.pk], lots[to_lot.pk]
    district = _council_district(by, from_lot)
    if building.district_id != district:
        raise LotError(MSG_BUILDING_NOT_IN_DISTRICT)
    if district not in lot_district_ids(to_lot):
        raise LotError(MSG_NOT_YOUR_DISTRICT)
    for lot in (from_lot, to_lot):
        if lot.status != LotStatus.DRAFT:
            raise LotError(MSG_NOT_DRAFT % {"status": lot.get_status_display()})
    if from_lot.pk == to_lot.pk:
        raise LotError(MSG_SAME_LOT)
    if from_lot.region_id != to_lot.region_id:
        raise LotError(MSG_OTHER_REGION)
    left = from_lot.apartments - building.apartments_count
    minimum = settings.LOT_MIN_APARTMENTS
    if left < minimum:
        raise LotError(MSG_TOO_SMALL % {"lot": from_lot.code, "left": left, "minimum": minimum})
    membership.lot = to_lot
    membership.save(update_fields=["lot"])
    for lot in (from_lot, to_lot):
        _refresh_totals(lot)
        program_generate(lot=lot)
    LotStatusChange.objects.create(
        lot=to_lot,
        from_status=to_lot.status,
        to_status=to_lot.status,
        by=by,
        comment=f"+ {building.cadastral_number} ← {from_lot.code}",
    )


@transaction.atomic
def lot_propose(*, lot: Lot, by: User, comment: str = "") -> Lot:
    """draft → proposed, by the council of a district in the lot; opens an approval round."""
    lot = Lot.objects.select_for_update().get(pk=lot.pk)
    _council_district(by, lot)
    if lot.status != LotStatus.DRAFT:
        raise LotError(MSG_NOT_DRAFT % {"status": lot.get_status_display()})
    lot.approval_round += 1
    lot.save(update_fields=["approval_round"])
    return lot_status_set(lot=lot, to=LotStatus.PROPOSED, by=by, comment=comment)


@transaction.atomic
def lot_decide(*, lot: Lot, by: User, approve: bool, comment: str = "") -> Lot:
    """A council approves or rejects a proposed lot and its program.

    A lot spanning several districts is approved only when every involved council has
    approved in this round; one rejection sends it back to draft. Approval locks the
    composition (LOCKED_STATUSES).
    """
    lot = Lot.objects.select_for_update().get(pk=lot.pk)
    district = _council_district(by, lot)
    if lot.status != LotStatus.PROPOSED:
        raise LotError(MSG_NOT_PROPOSED)
    if CouncilDecision.objects.filter(
        lot=lot, district_id=district, approval_round=lot.approval_round
    ).exists():
        raise LotError(MSG_ALREADY_DECIDED)
    CouncilDecision.objects.create(
        lot=lot,
        district_id=district,
        approval_round=lot.approval_round,
        decision=CouncilDecision.Decision.APPROVE if approve else CouncilDecision.Decision.REJECT,
        member=by,
        comment=comment,
    )
    if not approve:
        return lot_status_set(lot=lot, to=LotStatus.DRAFT, by=by, comment=comment)
    approved = set(
        CouncilDecision.objects.filter(
            lot=lot, approval_round=lot.approval_round, decision=CouncilDecision.Decision.APPROVE
        ).values_list("district_id", flat=True)
    )
    if lot_district_ids(lot) <= approved:
        lot.approved_at = timezone.now()
        lot.save(update_fields=["approved_at"])
        return lot_status_set(lot=lot, to=LotStatus.APPROVED, by=by, comment=comment)
    return lot


@transaction.atomic
def program_item_update(*, item: ProgramItem, year: int, cost_tiyin: int, by: User) -> ProgramItem:
    """An MC (the lot's) or a council member (while the lot is draft or proposed) edits an item."""
    from accounts.permissions import Action, can

    if not can(by, Action.EDIT_LOT_PROGRAM, item.lot):
        raise LotError(MSG_NOT_YOUR_DISTRICT)
    item.year = year
    item.cost_tiyin = cost_tiyin
    item.updated_by = by
    item.full_clean()
    item.save(update_fields=["year", "cost_tiyin", "updated_by", "updated_at"])
    return item
