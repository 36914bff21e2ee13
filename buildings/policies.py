"""Who may see or do what in the building registry (ARCHITECTURE.md "policies.py").

Each rule once, as a queryset filter over buildings; the single-object check is the same
filter narrowed to the building. The registry's public facts need no rule: they are public.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.permissions import UserRoles
from buildings.models import Building
from core.scopes import EVERYTHING, NOTHING


def oversight_q(roles: UserRoles, path: str = "region_id") -> Q:
    """Buildings an inspector oversees: their region (every region for a national one).

    ``path`` applies the rule to other rows by their way to a region
    ("building__region_id" for an assessment, "region_id" for a lot or a district).
    """
    if roles.superuser or roles.is_national_inspector:
        return EVERYTHING
    if roles.inspector and roles.inspector_region_id is not None:
        return Q(**{path: roles.inspector_region_id})
    return NOTHING


def overseen(roles: UserRoles, building: Any) -> bool:
    return Building.objects.filter(oversight_q(roles), pk=building.pk).exists()


def private_q(roles: UserRoles) -> Q:
    """Owners' names and account numbers: the region's inspectors and the staff of the
    building's management company (while it is in the register)."""
    condition = oversight_q(roles)
    if roles.managing_organization_id is not None:
        condition |= Q(manager_id=roles.managing_organization_id)
    return condition


def private_visible(roles: UserRoles, building: Any) -> bool:
    return Building.objects.filter(private_q(roles), pk=building.pk).exists()


def may_commission(roles: UserRoles, building: Any) -> bool:
    """Commissioning is the inspection's act, in its region."""
    return overseen(roles, building)


def may_import(roles: UserRoles) -> bool:
    """Turar-Joy files: inspectors (a regional one for their region, checked per line)."""
    return roles.superuser or roles.inspector


NO_REGION = -1


def region_scope(roles: UserRoles) -> int | None:
    """The one region whose buildings a login may import, move or edit: None for every
    region (national inspectors, administrators), NO_REGION for a login that is not an
    inspector, else the regional inspector's region."""
    if roles.superuser or roles.is_national_inspector:
        return None
    return roles.inspector_region_id if roles.inspector_region_id is not None else NO_REGION


def may_edit_classification_policy(roles: UserRoles) -> bool:
    """The classification policy is national: national inspectors and administrators."""
    return roles.superuser or roles.is_national_inspector


def assessment_scope_q(roles: UserRoles) -> Q:
    """Assessments: an inspector's region, or the buildings an owner owns in."""
    condition = oversight_q(roles, path="building__region_id")
    if roles.person is not None and roles.owns_apartments:
        condition |= Q(
            building__in=Building.objects.filter(
                apartments__ownerships__person_id=roles.person.pk,
                apartments__ownerships__until__isnull=True,
            ).values("pk")
        )
    return condition
