"""Reads of the register, each scoped to the user who asks (the register itself is public)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Membership
from accounts.permissions import roles_of
from organizations.models import ManagementCompany, RegisterStatus, Removal, Scorecard
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
        .select_related("scorecard")  # its share of reports on time, in the same query
        .prefetch_related(Prefetch("removals", queryset=Removal.objects.order_by("-removed_on")))
        .order_by("name")
    )


def scorecards_of(company_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The scorecard of each company (organizations.models.Scorecard): the register's facts
    read live (lots managed, removals) and the figures other apps write, None = no data.
    Two queries whatever the number of companies."""
    companies = ManagementCompany.objects.filter(pk__in=company_ids).annotate(
        lots_managed=Count("managed_lots", filter=Q(managed_lots__status="managed"), distinct=True),
        removal_count=Count("removals", distinct=True),
    )
    cards = {c.company_id: c for c in Scorecard.objects.filter(company_id__in=company_ids)}
    result: dict[int, dict[str, Any]] = {}
    for company in companies:
        card = cards.get(company.pk)
        result[company.pk] = {
            "status": company.get_status_display(),
            "lots_managed": company.lots_managed,
            "removals": company.removal_count,
            "deadlines_met_percent": card.deadlines_met_percent if card else None,
            "hours_to_resolve": card.hours_to_resolve if card else None,
            "rating": (card.rating_tenths / 10)
            if card and card.rating_tenths is not None
            else None,
            "reports_on_time_percent": card.reports_on_time_percent if card else None,
        }
    return result
