"""Reads of the register, each scoped to the user who asks."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Membership
from accounts.permissions import roles_of
from organizations.models import ManagementCompany


def organizations_with_staff_visible_to(user: Any) -> QuerySet[ManagementCompany]:
    """Companies whose staff list ``user`` may see: their own, or all for inspectors."""
    roles = roles_of(user)
    qs = ManagementCompany.objects.all()
    if roles.superuser or roles.inspector:
        return qs
    if roles.organization_id is not None:
        return qs.filter(pk=roles.organization_id)
    return qs.none()


def organization_staff_for_user(user: Any, organization_id: int) -> ManagementCompany:
    """One company with its active staff prefetched; 404 for anyone outside it."""
    active_staff = Membership.objects.active().select_related("user__person").order_by("role")
    return get_object_or_404(
        organizations_with_staff_visible_to(user).prefetch_related(
            Prefetch("memberships", queryset=active_staff, to_attr="active_staff")
        ),
        pk=organization_id,
    )
