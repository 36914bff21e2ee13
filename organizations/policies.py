"""Who may see or do what in the register of management companies (ARCHITECTURE.md
"policies.py"): each rule once, as a queryset filter and a check derived from it.

The register itself is public (organizations.selectors.public_register). Who may remove
an MC depends on its lots and buildings, which live above this app: that rule is in
lots.policies.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import UserRoles
from core.scopes import EVERYTHING, NOTHING
from organizations.models import ManagementCompany


def staff_scope_q(roles: UserRoles) -> Q:
    """Companies whose staff page a login may see: its own (even once removed, so that it
    can read its status), or every one for inspectors."""
    if roles.superuser or roles.inspector:
        return EVERYTHING
    if roles.organization_id is not None:
        return Q(pk=roles.organization_id)
    return NOTHING


def staff_visible(roles: UserRoles, company: Any) -> bool:
    return ManagementCompany.objects.filter(staff_scope_q(roles), pk=company.pk).exists()


def staff_manageable_q(roles: UserRoles) -> Q:
    """Companies whose staff a login may change: its director's own, while not removed."""
    if roles.superuser:
        return EVERYTHING
    if roles.mc_role == Role.MC_DIRECTOR and roles.managing_organization_id is not None:
        return Q(pk=roles.managing_organization_id)
    return NOTHING


def staff_manageable(roles: UserRoles, company: Any) -> bool:
    return ManagementCompany.objects.filter(staff_manageable_q(roles), pk=company.pk).exists()


def may_verify(roles: UserRoles) -> bool:
    """Applications are verified by the inspection."""
    return roles.superuser or roles.inspector
