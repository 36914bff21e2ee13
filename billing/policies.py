"""Who may see or do what with money (ARCHITECTURE.md "policies"): each rule once, as a
queryset filter and the single-object check derived from it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.permissions import UserRoles
from buildings.models import Apartment, Ownership
from buildings.policies import oversight_q
from core.scopes import NOTHING
from lots import policies as lot_policies
from lots.models import Lot


def bills_q(roles: UserRoles) -> Q:
    """Apartments whose bills and receipts a login sees: those its person owns now (an
    owner sees only their own; everyone else reaches money through lot_money_q)."""
    if not roles.authenticated or roles.person is None:
        return NOTHING
    return Q(
        pk__in=Ownership.objects.filter(person_id=roles.person.pk, until__isnull=True).values(
            "apartment_id"
        )
    )


def may_see_bills(roles: UserRoles, apartment: Any) -> bool:
    return Apartment.objects.filter(bills_q(roles), pk=apartment.pk).exists()


def lot_money_q(roles: UserRoles) -> Q:
    """Lots whose money (charges, payments, revenue, leases) a login sees: the staff of the
    lot's MC (while in the register), the lot's councils, the region's inspectors."""
    if not roles.authenticated:
        return NOTHING
    return (
        lot_policies.managing_q(roles)
        | lot_policies.council_q(roles)
        | oversight_q(roles, path="region_id")
    )


def may_see_lot_money(roles: UserRoles, lot: Any) -> bool:
    return Lot.objects.filter(lot_money_q(roles), pk=lot.pk).exists()


def tariff_q(roles: UserRoles) -> Q:
    """Lots whose tariff a login may set (DOMAIN.md: "a council or inspector sets them"):
    a council member of one of the lot's districts, an inspector of the lot's region."""
    if not roles.authenticated:
        return NOTHING
    condition = lot_policies.council_q(roles)
    if roles.inspector:
        condition |= oversight_q(roles, path="region_id")
    return condition


def may_set_tariff(roles: UserRoles, lot: Any) -> bool:
    return Lot.objects.filter(tariff_q(roles), pk=lot.pk).exists()


def revenue_q(roles: UserRoles) -> Q:
    """Lots against which a login may record additional revenue: the staff of the MC that
    manages the lot, while the MC is in the register."""
    return lot_policies.managing_q(roles) if roles.authenticated else NOTHING


def may_record_revenue(roles: UserRoles, lot: Any) -> bool:
    return Lot.objects.filter(revenue_q(roles), pk=lot.pk).exists()


def payments_oversight_q(roles: UserRoles) -> Q:
    """Provider transactions and reconciliation flags an inspector oversees: those of the
    apartments of their region, through the apartment's building (a national inspector and
    the administrator: all, the flags of unknown account numbers included)."""
    return oversight_q(roles, path="apartment__building__region_id")
