"""Reads of additional revenue, lease contracts, violations and the MCs' money by month,
each scoped by the login through billing.policies (an outsider gets 404, not 403)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from accounts.permissions import UserRoles, roles_of
from billing import policies
from billing.models import (
    AccountKind,
    AdditionalRevenue,
    LeaseContract,
    LeaseKind,
    LeaseViolation,
    LedgerAccount,
    LedgerEntry,
)
from buildings.models import Building
from core.periods import month_previous
from lots.models import Lot
from organizations.models import ManagementCompany


def revenue_page_visible(roles: UserRoles) -> bool:
    """The revenue and lease pages: for those who may see some lot's money (the staff of
    an MC in the register, councils, inspectors); everyone else gets 404."""
    return bool(
        roles.superuser
        or roles.inspector
        or roles.council_district_id is not None
        or roles.managing_organization_id is not None
    )


def revenue_visible_to(user: Any) -> QuerySet[AdditionalRevenue]:
    return (
        AdditionalRevenue.objects.filter(policies.revenue_scope_q(roles_of(user)))
        .select_related("lot", "company", "lease")
        .order_by("-received_on", "-pk")
    )


def revenue_for(user: Any, pk: int) -> AdditionalRevenue:
    return get_object_or_404(revenue_visible_to(user), pk=pk)


def revenue_lots(user: Any) -> QuerySet[Lot]:
    """Lots against which the login may record revenue."""
    return Lot.objects.filter(policies.revenue_q(roles_of(user))).order_by("code")


def revenue_leases(user: Any) -> QuerySet[LeaseContract]:
    """Lease contracts (not gratuitous use) of those lots, which a rent may name."""
    lots = Lot.objects.filter(policies.revenue_q(roles_of(user)))
    return LeaseContract.objects.filter(lot__in=lots, kind=LeaseKind.LEASE).order_by("-pk")


def company_revenue_total(company_id: int | None) -> int | None:
    """The MC's additional revenue as the ledger holds it (its cached balance: a credit,
    shown positive), None before its first record."""
    if company_id is None:
        return None
    balance = (
        LedgerAccount.objects.filter(kind=AccountKind.REVENUE, company_id=company_id)
        .values_list("balance_tiyin", flat=True)
        .first()
    )
    return None if balance is None else -int(balance)


def leases_visible_to(user: Any) -> QuerySet[LeaseContract]:
    return (
        LeaseContract.objects.filter(policies.lease_scope_q(roles_of(user)))
        .select_related("lot", "building", "company", "violation")
        .order_by("-signed_on", "-pk")
    )


def lease_for(user: Any, pk: int) -> LeaseContract:
    return get_object_or_404(leases_visible_to(user).select_related("decision"), pk=pk)


def lease_buildings(user: Any) -> QuerySet[Building]:
    """Buildings of the lots on which the login may record a contract."""
    lots = Lot.objects.filter(policies.lease_q(roles_of(user)))
    return Building.objects.filter(lot_membership__lot__in=lots).order_by("address")


def violations_visible_to(user: Any) -> QuerySet[LeaseViolation]:
    return (
        LeaseViolation.objects.filter(policies.violation_q(roles_of(user)))
        .select_related("contract__lot", "contract__building", "company", "removal")
        .order_by("-detected_on", "-pk")
    )


# --- the MCs' money by month, for the inspection ---------------------------------------------


@dataclass
class CompanyMonths:
    company: ManagementCompany
    # month → (contributions, additional revenue), tiyin credited in the month
    months: dict[dt.date, tuple[int, int]] = field(default_factory=dict)

    def rows(self, periods: list[dt.date]) -> list[tuple[dt.date, int, int]]:
        return [(p, *self.months.get(p, (0, 0))) for p in periods]

    @property
    def contributions(self) -> int:
        return sum(c for c, _r in self.months.values())

    @property
    def revenue(self) -> int:
        return sum(r for _c, r in self.months.values())


def months_until(until: dt.date, count: int = 12) -> list[dt.date]:
    """``count`` months ending with ``until``, oldest first."""
    periods = [until]
    while len(periods) < count:
        periods.append(month_previous(periods[-1]))
    return periods[::-1]


def money_by_month(user: Any, periods: list[dt.date]) -> list[CompanyMonths]:
    """Each MC's contributions (the accrual's credits to its contribution income) and
    additional revenue (credits to its revenue account, by the month it was received), per
    month, for the lots in the login's oversight (billing.policies.inspection_q): the
    ledger's entries, summed in one grouped query; reversals net out. Every MC managing a
    lot there is listed, with nothing declared too (that is worth seeing); by name."""
    lots = Lot.objects.filter(policies.inspection_q(roles_of(user)))
    sums = (
        LedgerEntry.objects.filter(
            account__kind__in=[AccountKind.CONTRIBUTIONS, AccountKind.REVENUE],
            transaction__lot__in=lots.values("pk"),
            transaction__period__gte=periods[0],
            transaction__period__lte=periods[-1],
        )
        .values_list("account__company_id", "account__kind", "transaction__period")
        .annotate(total=Sum("amount_tiyin"))
        .order_by()
    )
    figures: dict[int, dict[dt.date, list[int]]] = {}
    for company_id, kind, period, total in sums:
        month = figures.setdefault(company_id, {}).setdefault(period, [0, 0])
        month[0 if kind == AccountKind.CONTRIBUTIONS else 1] += -int(total or 0)
    managing = lots.filter(manager__isnull=False).values("manager_id")
    companies = ManagementCompany.objects.filter(
        Q(pk__in=list(figures)) | Q(pk__in=managing)
    ).order_by("name", "pk")
    return [
        CompanyMonths(c, {p: (v[0], v[1]) for p, v in figures.get(c.pk, {}).items()})
        for c in companies
    ]
