"""Who may see or do what with lots (ARCHITECTURE.md "policies.py").

Each rule is written once as a queryset filter over lots (``*_q``); the single-object
check is derived from it by narrowing the same filter to the lot's primary key. Selectors,
views, the API, the admin and the services all ask here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import UserRoles
from buildings.models import Building
from buildings.policies import oversight_q
from core.scopes import EVERYTHING, NOTHING
from lots.models import OPEN_TO_OWNERS, PROGRAM_EDITABLE, Lot
from organizations.models import ManagementCompany


def _holds(q: Q, lot: Any) -> bool:
    return Lot.objects.filter(q, pk=lot.pk).exists()


def council_q(roles: UserRoles) -> Q:
    """Lots with at least one building in the council member's district."""
    if roles.council_district_id is None:
        return NOTHING
    return Q(
        pk__in=Lot.objects.filter(members__building__district_id=roles.council_district_id).values(
            "pk"
        )
    )


def is_council_of(roles: UserRoles, lot: Any) -> bool:
    return _holds(council_q(roles), lot)


def managing_q(roles: UserRoles) -> Q:
    """Lots the login's MC manages, while the MC is in the register."""
    if roles.managing_organization_id is None:
        return NOTHING
    return Q(manager_id=roles.managing_organization_id)


def lot_scope_q(roles: UserRoles) -> Q:
    """Lots a login may see: the lot's councils, its MC, the region's inspectors; its owners
    once it is approved (drafts and proposals are the councils' working material)."""
    if roles.superuser or roles.is_national_inspector:
        return EVERYTHING
    if not roles.authenticated:
        return NOTHING
    condition = council_q(roles) | managing_q(roles)
    if roles.inspector:
        condition |= oversight_q(roles)
    if roles.owns_apartments and roles.person is not None:
        condition |= Q(
            status__in=OPEN_TO_OWNERS,
            pk__in=Lot.objects.filter(
                members__building__apartments__ownerships__person_id=roles.person.pk,
                members__building__apartments__ownerships__until__isnull=True,
            ).values("pk"),
        )
    return condition


def lot_visible(roles: UserRoles, lot: Any) -> bool:
    return _holds(lot_scope_q(roles), lot)


def decide_q(roles: UserRoles) -> Q:
    """Only district councils propose, approve and reject: never an MC, never an inspector."""
    return council_q(roles)


def may_decide(roles: UserRoles, lot: Any) -> bool:
    return _holds(decide_q(roles), lot)


def program_edit_q(roles: UserRoles) -> Q:
    """A council of the lot edits its program while the lot is draft or proposed (an edit
    of a proposed program opens a new approval round: lots.services.program_item_update)."""
    return council_q(roles) & Q(status__in=PROGRAM_EDITABLE)


def may_edit_program(roles: UserRoles, lot: Any) -> bool:
    return _holds(program_edit_q(roles), lot)


def amendment_propose_q(roles: UserRoles) -> Q:
    """An approved program changes only by an amendment, proposed by a council of the lot
    or by the director of the MC that manages it, and approved again by every council."""
    proposers = council_q(roles)
    if roles.mc_role == Role.MC_DIRECTOR:
        proposers |= managing_q(roles)
    return proposers & ~Q(status__in=PROGRAM_EDITABLE)


def may_propose_amendment(roles: UserRoles, lot: Any) -> bool:
    return _holds(amendment_propose_q(roles), lot)


def removal_q(roles: UserRoles) -> Q:
    """MCs an inspector may remove from the register: a national inspector any; a regional
    one those with a lot or a building in their region (DOMAIN.md: the inspection oversees
    its region)."""
    if roles.superuser or roles.is_national_inspector:
        return EVERYTHING
    if not roles.inspector or roles.inspector_region_id is None:
        return NOTHING
    region = roles.inspector_region_id
    lots = Lot.objects.filter(region_id=region, manager__isnull=False).values("manager_id")
    buildings = Building.objects.filter(region_id=region, manager__isnull=False)
    return Q(pk__in=lots) | Q(pk__in=buildings.values("manager_id"))


def may_remove(roles: UserRoles, mc: Any) -> bool:
    return ManagementCompany.objects.filter(removal_q(roles), pk=mc.pk).exists()
