"""State changes of lots: council approval, moves, the program and its amendments, and the
reaction to an MC's removal. Every service re-checks the rules it depends on against the
current rows, inside its transaction, with the lot's row locked (several lots: in id order).
Formation is in lots.forming.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.permissions import roles_of
from buildings.models import Apartment, Building
from buildings.services import buildings_manager_assign
from core.money import format_som
from lots import policies
from lots.errors import LotError
from lots.models import (
    LOCKED_STATUSES,
    AmendmentDecision,
    AmendmentStatus,
    CouncilDecision,
    Lot,
    LotBuilding,
    LotStatus,
    LotStatusChange,
    ProgramAmendment,
    ProgramItem,
)
from lots.program import program_generate
from organizations.models import ManagementCompany, Removal
from organizations.services import mc_remove

__all__ = ["LotError"]

REELECTION_FROM = (LotStatus.ELECTION, LotStatus.MANAGED)

MSG_NOT_DRAFT = _("Only draft lots can be changed; this lot is %(status)s.")
MSG_NOT_YOUR_DISTRICT = _("Only the council of a district with buildings in the lot may do this.")
MSG_BUILDING_NOT_IN_DISTRICT = _("You may move buildings of your own district only.")
MSG_NOT_IN_A_LOT = _("The building is not in a lot.")
MSG_LOT_GONE = _("This draft lot no longer exists: lots were formed again meanwhile.")
MSG_MOVED_MEANWHILE = _("The building was moved meanwhile; reload the page and try again.")
MSG_OTHER_REGION = _("A lot stays within one region.")
MSG_SAME_LOT = _("The building is already in this lot.")
MSG_TOO_SMALL = _(
    "Moving it would leave %(lot)s with %(left)s apartments; a lot needs at least %(minimum)s."
)
MSG_RULE_SIZE = _(
    "Lot %(lot)s has %(apartments)s apartments; a lot needs at least %(minimum)s (%(short)s short)."
)
MSG_RULE_REGION = _(
    "Lot %(lot)s has buildings in %(count)s regions (%(regions)s); a lot stays within one region."
)
MSG_NOT_PROPOSED = _("Only a proposed lot can be approved or rejected.")
MSG_ALREADY_DECIDED = _("Your council has already decided on this lot in this round.")
MSG_PROGRAM_FROZEN = _(
    "The program of lot %(lot)s is approved and frozen; propose an amendment instead."
)
MSG_NEW_ROUND = _(
    "Program changed (%(item)s: year %(year)s, %(cost)s): approval round %(round)s "
    "begins; earlier approvals no longer count."
)
MSG_AMEND_NOT_ALLOWED = _(
    "An amendment is proposed by a council of the lot or by its management company, once "
    "the program is approved."
)
MSG_AMEND_NO_CHANGE = _("The amendment changes nothing.")
MSG_AMEND_NO_REASON = _("Give the reason for the amendment.")
MSG_AMEND_OPEN = _("This item already has an amendment awaiting the councils.")
MSG_AMEND_NOT_OPEN = _("This amendment is no longer awaiting decisions.")
MSG_AMEND_DECIDED = _("Your council has already decided on this amendment.")
MSG_AMEND_PROPOSED = _(
    "Amendment #%(n)s proposed: %(item)s, year %(y0)s → %(y1)s, %(c0)s → %(c1)s."
)
MSG_AMEND_APPROVED = _("Amendment #%(n)s approved by every council and in force.")
MSG_AMEND_REJECTED = _("Amendment #%(n)s rejected.")
MSG_REMOVE_NOT_ALLOWED = _(
    "Only a national inspector, or the inspector of a region where this company manages a "
    "lot or a building, may remove it."
)


# --- reading the current rows ------------------------------------------------------------


def lot_district_ids(lot: Lot) -> set[int]:
    return set(
        Building.objects.filter(lot_membership__lot=lot).values_list("district_id", flat=True)
    )


def lot_apartment_rows(lot: Lot) -> int:
    """Apartments of the lot, counted from the apartment rows themselves."""
    return Apartment.objects.filter(building__lot_membership__lot=lot).count()


def lot_rules_check(lot: Lot) -> None:
    """The lot rules of DOMAIN.md "Lots", against the current rows: at least
    LOT_MIN_APARTMENTS apartments, every building in the lot's one region. (A building in
    at most one lot is a database constraint: LotBuilding.building is one-to-one.)"""
    minimum = settings.LOT_MIN_APARTMENTS
    apartments = lot_apartment_rows(lot)
    if apartments < minimum:
        raise LotError(
            MSG_RULE_SIZE
            % {
                "lot": lot.code,
                "apartments": apartments,
                "minimum": minimum,
                "short": minimum - apartments,
            }
        )
    regions = list(
        Building.objects.filter(lot_membership__lot=lot)
        .values_list("region__name", flat=True)
        .distinct()
        .order_by("region__name")
    )
    own = Building.objects.filter(lot_membership__lot=lot).exclude(region_id=lot.region_id)
    if len(regions) > 1 or own.exists():
        raise LotError(
            MSG_RULE_REGION
            % {"lot": lot.code, "count": len(set(regions)), "regions": ", ".join(regions)}
        )


def _council_district(user: User, lot: Lot) -> int:
    roles = roles_of(user)
    if roles.council_district_id is None or not policies.is_council_of(roles, lot):
        raise LotError(MSG_NOT_YOUR_DISTRICT)
    return roles.council_district_id


def _lock(lot: Lot) -> Lot:
    found = Lot.objects.select_for_update().filter(pk=lot.pk).first()
    if found is None:  # a draft replaced by re-forming meanwhile
        raise LotError(MSG_LOT_GONE)
    return found


# --- status and history --------------------------------------------------------------------


def _actor(by: User | None) -> tuple[str, int | None]:
    """Who acted, in terms that may be shown to anyone: a role and its district."""
    if by is None:
        return "", None
    roles = roles_of(by)
    if roles.council_district_id is not None:
        return Role.COUNCIL_MEMBER, roles.council_district_id
    if roles.inspector:
        return Role.INSPECTOR, None
    if roles.mc_role is not None:
        return roles.mc_role, None
    return ("admin" if roles.superuser else ""), None


def lot_history_add(
    *, lot: Lot, to: str, by: User | None, comment: str = "", at: dt.datetime | None = None
) -> LotStatusChange:
    """A row of the lot's history, dated when the change happened (``at``: the moment of
    the event that made it, such as an election's close; now by default)."""
    role, district = _actor(by)
    return LotStatusChange.objects.create(
        lot=lot,
        from_status=lot.status,
        to_status=to,
        by=by,
        by_role=role,
        by_district_id=district,
        comment=comment,
        at=at or timezone.now(),
    )


def lot_status_set(
    *, lot: Lot, to: LotStatus, by: User | None, comment: str = "", at: dt.datetime | None = None
) -> Lot:
    """Change a lot's status and keep the change in its history."""
    lot_history_add(lot=lot, to=to, by=by, comment=comment, at=at)
    lot.status = to
    lot.save(update_fields=["status"])
    return lot


# --- the register's removal reaches lots ----------------------------------------------------


@transaction.atomic
def mc_remove_from_register(
    *, mc: ManagementCompany, reason: str, removed_on: dt.date, inspector: User
) -> tuple[Removal, list[Lot]]:
    """Remove an MC from the register; its lots go to re-election (DOMAIN.md).

    Only a national inspector, or one whose region holds one of the MC's lots or
    buildings (lots.policies.removal_q). The removed MC can no longer stand in elections,
    and its staff lose every right that came from managing (UserRoles.managing_organization_id).
    """
    if not policies.may_remove(roles_of(inspector), mc):
        raise LotError(MSG_REMOVE_NOT_ALLOWED)
    removal = mc_remove(mc=mc, reason=reason, removed_on=removed_on, inspector=inspector)
    lots = list(
        Lot.objects.select_for_update()
        .filter(manager=mc, status__in=REELECTION_FROM)
        .order_by("pk")
    )
    comment = f"{removal.removed_on:%d.%m.%Y}: {removal.reason}"
    for lot in lots:
        lot_status_set(lot=lot, to=LotStatus.REELECTION, by=inspector, comment=comment)
    return removal, lots


# --- council approval --------------------------------------------------------------------


@transaction.atomic
def lot_building_move(*, building: Building, to_lot: Lot, by: User) -> None:
    """A council member moves a building of their district between two draft lots.

    Both lots are locked in id order before the membership is touched (two opposite moves
    cannot deadlock); then the rules are checked against the rows: both lots draft, one
    region, the source lot keeps at least the minimum number of apartments. Both programs
    are regenerated.
    """
    from_id = LotBuilding.objects.filter(building=building).values_list("lot_id", flat=True).first()
    if from_id is None:
        raise LotError(MSG_NOT_IN_A_LOT)
    if from_id == to_lot.pk:
        raise LotError(MSG_SAME_LOT)
    lots = {
        lot.pk: lot
        for lot in Lot.objects.select_for_update()
        .filter(pk__in=[from_id, to_lot.pk])
        .order_by("pk")
    }
    membership = LotBuilding.objects.select_for_update().get(building=building)
    if membership.lot_id != from_id:  # moved meanwhile: the locks taken are not the right ones
        raise LotError(MSG_MOVED_MEANWHILE)
    from_lot, to_lot = lots[from_id], lots[to_lot.pk]
    building = Building.objects.get(pk=building.pk)
    district = _council_district(by, from_lot)
    if building.district_id != district:
        raise LotError(MSG_BUILDING_NOT_IN_DISTRICT)
    if district not in lot_district_ids(to_lot):
        raise LotError(MSG_NOT_YOUR_DISTRICT)
    for lot in (from_lot, to_lot):
        if lot.status != LotStatus.DRAFT:
            raise LotError(MSG_NOT_DRAFT % {"status": lot.get_status_display()})
    if from_lot.region_id != to_lot.region_id or building.region_id != to_lot.region_id:
        raise LotError(MSG_OTHER_REGION)
    minimum = settings.LOT_MIN_APARTMENTS
    left = lot_apartment_rows(from_lot) - building.apartments.count()
    if left < minimum:
        raise LotError(MSG_TOO_SMALL % {"lot": from_lot.code, "left": left, "minimum": minimum})
    membership.lot = to_lot
    membership.save(update_fields=["lot"])
    for lot in (from_lot, to_lot):
        program_generate(lot=lot)
    lot_history_add(
        lot=to_lot,
        to=to_lot.status,
        by=by,
        comment=f"+ {building.cadastral_number} ← {from_lot.code}",
    )
    lot_history_add(
        lot=from_lot,
        to=from_lot.status,
        by=by,
        comment=f"− {building.cadastral_number} → {to_lot.code}",
    )


@transaction.atomic
def lot_propose(*, lot: Lot, by: User, comment: str = "", at: dt.datetime | None = None) -> Lot:
    """draft → proposed, by the council of a district in the lot; opens an approval round.
    The lot rules are re-checked against the current rows (lot_rules_check)."""
    lot = _lock(lot)
    _council_district(by, lot)
    if lot.status != LotStatus.DRAFT:
        raise LotError(MSG_NOT_DRAFT % {"status": lot.get_status_display()})
    lot_rules_check(lot)
    lot.approval_round += 1
    lot.save(update_fields=["approval_round"])
    return lot_status_set(lot=lot, to=LotStatus.PROPOSED, by=by, comment=comment, at=at)


@transaction.atomic
def lot_decide(
    *, lot: Lot, by: User, approve: bool, comment: str = "", at: dt.datetime | None = None
) -> Lot:
    """A council approves or rejects a proposed lot and its program (DOMAIN.md "Approval").

    A lot spanning several districts is approved only when every involved council has
    approved in this round; an edit of the program opens a new round
    (program_item_update), so what is approved is what every council saw. One rejection
    sends it back to draft. Approving re-checks the lot rules against the current rows.
    Approval freezes the composition and the program (LOCKED_STATUSES).
    """
    lot = _lock(lot)
    district = _council_district(by, lot)
    if lot.status != LotStatus.PROPOSED:
        raise LotError(MSG_NOT_PROPOSED)
    if CouncilDecision.objects.filter(
        lot=lot, district_id=district, approval_round=lot.approval_round
    ).exists():
        raise LotError(MSG_ALREADY_DECIDED)
    if approve:
        lot_rules_check(lot)
    CouncilDecision.objects.create(
        lot=lot,
        district_id=district,
        approval_round=lot.approval_round,
        decision=CouncilDecision.Decision.APPROVE if approve else CouncilDecision.Decision.REJECT,
        member=by,
        comment=comment,
        at=at or timezone.now(),
    )
    if not approve:
        return lot_status_set(lot=lot, to=LotStatus.DRAFT, by=by, comment=comment, at=at)
    approved = set(
        CouncilDecision.objects.filter(
            lot=lot, approval_round=lot.approval_round, decision=CouncilDecision.Decision.APPROVE
        ).values_list("district_id", flat=True)
    )
    if lot_district_ids(lot) <= approved:
        lot.approved_at = at or timezone.now()
        lot.save(update_fields=["approved_at"])
        return lot_status_set(lot=lot, to=LotStatus.APPROVED, by=by, comment=comment, at=at)
    return lot


# --- the program ----------------------------------------------------------------------------


@transaction.atomic
def program_item_update(*, item: ProgramItem, year: int, cost_tiyin: int, by: User) -> ProgramItem:
    """A council of the lot edits an item of a draft or proposed program.

    An edit of a *proposed* program starts a new approval round: approvals given to the
    earlier version no longer count, and the history says why. An approved program is
    frozen: it changes only through an amendment (program_amendment_propose).
    """
    lot = _lock(item.lot)
    item = ProgramItem.objects.select_for_update().get(pk=item.pk, lot=lot)
    roles = roles_of(by)
    if not policies.may_edit_program(roles, lot):
        if lot.status in LOCKED_STATUSES and policies.may_propose_amendment(roles, lot):
            raise LotError(MSG_PROGRAM_FROZEN % {"lot": lot.code})
        raise LotError(MSG_NOT_YOUR_DISTRICT)
    item.year = year
    item.cost_tiyin = cost_tiyin
    item.updated_by = by
    item.full_clean()
    item.save(update_fields=["year", "cost_tiyin", "updated_by", "updated_at"])
    if lot.status == LotStatus.PROPOSED:
        lot.approval_round += 1
        lot.save(update_fields=["approval_round"])
        lot_history_add(
            lot=lot,
            to=lot.status,
            by=by,
            comment=str(
                MSG_NEW_ROUND
                % {
                    "item": item.work,
                    "year": year,
                    "cost": format_som(cost_tiyin),
                    "round": lot.approval_round,
                }
            ),
        )
    return item


@transaction.atomic
def program_amendment_propose(
    *, item: ProgramItem, year: int, cost_tiyin: int, reason: str, by: User
) -> ProgramAmendment:
    """Propose a change of one item of an approved program; the approved item stays in
    force until every council of the lot has approved the amendment."""
    lot = _lock(item.lot)
    item = ProgramItem.objects.get(pk=item.pk, lot=lot)
    if not policies.may_propose_amendment(roles_of(by), lot):
        raise LotError(MSG_AMEND_NOT_ALLOWED)
    if not reason.strip():
        raise LotError(MSG_AMEND_NO_REASON)
    if (item.year, item.cost_tiyin) == (year, cost_tiyin):
        raise LotError(MSG_AMEND_NO_CHANGE)
    amendment = ProgramAmendment(
        lot=lot,
        item=item,
        old_year=item.year,
        old_cost_tiyin=item.cost_tiyin,
        new_year=year,
        new_cost_tiyin=cost_tiyin,
        reason=reason.strip(),
        proposed_by=by,
    )
    amendment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            amendment.save()
    except IntegrityError:  # one open amendment per item (a database constraint)
        raise LotError(MSG_AMEND_OPEN) from None
    lot_history_add(
        lot=lot,
        to=lot.status,
        by=by,
        comment=str(
            MSG_AMEND_PROPOSED
            % {
                "n": amendment.pk,
                "item": item.work,
                "y0": item.year,
                "y1": year,
                "c0": format_som(item.cost_tiyin),
                "c1": format_som(cost_tiyin),
            }
        ),
    )
    return amendment


@transaction.atomic
def program_amendment_decide(
    *, amendment: ProgramAmendment, by: User, approve: bool, comment: str = ""
) -> ProgramAmendment:
    """A council decides on an amendment. Once every council of the lot has approved, the
    item takes the amended values; one rejection closes it, and the item stays as it was."""
    lot = _lock(amendment.lot)
    amendment = ProgramAmendment.objects.select_for_update().get(pk=amendment.pk, lot=lot)
    district = _council_district(by, lot)
    if amendment.status != AmendmentStatus.OPEN:
        raise LotError(MSG_AMEND_NOT_OPEN)
    if amendment.decisions.filter(district_id=district).exists():
        raise LotError(MSG_AMEND_DECIDED)
    AmendmentDecision.objects.create(
        amendment=amendment,
        district_id=district,
        decision=CouncilDecision.Decision.APPROVE if approve else CouncilDecision.Decision.REJECT,
        member=by,
        comment=comment,
    )
    if not approve:
        amendment.status = AmendmentStatus.REJECTED
        amendment.decided_at = timezone.now()
        amendment.save(update_fields=["status", "decided_at"])
        lot_history_add(
            lot=lot,
            to=lot.status,
            by=by,
            comment=f"{MSG_AMEND_REJECTED % {'n': amendment.pk}} {comment}".strip(),
        )
        return amendment
    approved = set(
        amendment.decisions.filter(decision=CouncilDecision.Decision.APPROVE).values_list(
            "district_id", flat=True
        )
    )
    if not lot_district_ids(lot) <= approved:
        return amendment
    item = ProgramItem.objects.select_for_update().get(pk=amendment.item_id)
    item.year = amendment.new_year
    item.cost_tiyin = amendment.new_cost_tiyin
    item.updated_by = by
    item.full_clean()
    item.save(update_fields=["year", "cost_tiyin", "updated_by", "updated_at"])
    amendment.status = AmendmentStatus.APPROVED
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["status", "decided_at"])
    lot_history_add(
        lot=lot, to=lot.status, by=by, comment=str(MSG_AMEND_APPROVED % {"n": amendment.pk})
    )
    return amendment


# --- elections reach lots (the voting app calls these) ------------------------------------

MSG_NOT_ELECTABLE = _("An election can be held only for an approved lot or one in re-election.")
MSG_NOT_IN_ELECTION = _("The lot is not holding an election.")
ELECTABLE = (LotStatus.APPROVED, LotStatus.REELECTION)


@transaction.atomic
def lot_election_begin(
    *, lot: Lot, by: User | None, comment: str = "", at: dt.datetime | None = None
) -> Lot:
    """approved (or re-election) → election, re-checked under the lot's lock."""
    lot = _lock(lot)
    if lot.status not in ELECTABLE:
        raise LotError(MSG_NOT_ELECTABLE)
    return lot_status_set(lot=lot, to=LotStatus.ELECTION, by=by, comment=comment, at=at)


@transaction.atomic
def lot_manager_set(
    *,
    lot: Lot,
    company: ManagementCompany,
    by: User | None,
    comment: str,
    at: dt.datetime | None = None,
) -> Lot:
    """The elected (or appointed interim) company manages the lot and its buildings:
    election → managed, from ``at`` (the election's close or the appointment)."""
    lot = _lock(lot)
    if lot.status != LotStatus.ELECTION:
        raise LotError(MSG_NOT_IN_ELECTION)
    lot.manager = company
    lot.save(update_fields=["manager"])
    ids = list(Building.objects.filter(lot_membership__lot=lot).values_list("pk", flat=True))
    buildings_manager_assign(building_ids=ids, company_id=company.pk)
    return lot_status_set(lot=lot, to=LotStatus.MANAGED, by=by, comment=comment, at=at)
