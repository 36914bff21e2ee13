"""Reads of the register, each scoped to the user who asks (the register itself is public)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Membership
from accounts.permissions import roles_of
from organizations.models import ManagementCompany, RegisterStatus, Removal
from organizations.policies import staff_scope_q


def organizations_with_staff_visible_to(user: Any) -> QuerySet[ManagementCompany]:
    """Companies whose staff list ``user`` may see (organizations.policies.staff_scope_q)."""
    return ManagementCompany.objects.filter(staff_scope_q(roles_of(user)))


def organization_staff_for_user(user: Any, organization_id: int) -> ManagementCompany:
    """One company with its active staff prefetched; 404 for anyone outside it."""
    active_staff = Membership.objects.active().select_related("user__person").order_by("role")
    return get_object_or_404(
        organizations_with_staff_visible_to(user).prefetch_related(
            Prefetch("memberships", queryset=active_staff, to_attr="active_staff")
        ),
        pk=organization_id,
    )


def public_register(*, query: str = "", status: str = "") -> QuerySet[ManagementCompany]:
    """The public register: registered and removed MCs, lots managed, removal history.

    Applications and rejections are not public. "Lots managed" counts the reverse relation
    named by the lots app, so this app need not import it.
    """
    qs = ManagementCompany.objects.filter(
        status__in=[RegisterStatus.REGISTERED, RegisterStatus.REMOVED]
    )
    if status in (RegisterStatus.REGISTERED, RegisterStatus.REMOVED):
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(tin=query))
    return (
        qs.annotate(
            lots_managed=Count(
                "managed_lots", filter=Q(managed_lots__status="managed"), distinct=True
            )
        )
        .prefetch_related(Prefetch("removals", queryset=Removal.objects.order_by("-removed_on")))
        .order_by("name")
    )
