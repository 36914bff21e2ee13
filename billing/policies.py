"""Who may see or do what with money (ARCHITECTURE.md "policies"): each rule once, as a
queryset filter and the single-object check derived from it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import UserRoles
from billing.models import AdditionalRevenue, LedgerEntry, LedgerTransaction
from buildings.models import Apartment, Ownership
from buildings.policies import oversight_q
from core.scopes import EVERYTHING, NOTHING
from lots import policies as lot_policies
from lots.models import Lot

REPORT_ROLES = (Role.MC_DIRECTOR, Role.MC_ACCOUNTANT)


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


def revenue_scope_q(roles: UserRoles) -> Q:
    """Additional revenue a login sees (a filter over AdditionalRevenue): the MC that
    recorded it (while in the register: its own income, not a predecessor's on the same
    lot), the lot's councils and the region's inspectors."""
    if not roles.authenticated:
        return NOTHING
    condition = oversight_q(roles, path="lot__region_id")
    if roles.managing_organization_id is not None:
        condition |= Q(company_id=roles.managing_organization_id)
    if roles.council_district_id is not None:
        condition |= Q(lot__in=Lot.objects.filter(lot_policies.council_q(roles)).values("pk"))
    return condition


def may_see_revenue(roles: UserRoles, revenue: Any) -> bool:
    return AdditionalRevenue.objects.filter(revenue_scope_q(roles), pk=revenue.pk).exists()


def lease_q(roles: UserRoles) -> Q:
    """Lots on whose buildings a login records a lease or gratuitous-use contract of common
    property, and then its tax registration: the staff of the MC that manages the lot
    (DOMAIN.md "Actors": MC staff register lease contracts), while it is in the register."""
    return lot_policies.managing_q(roles) if roles.authenticated else NOTHING


def may_record_lease(roles: UserRoles, lot: Any) -> bool:
    return Lot.objects.filter(lease_q(roles), pk=lot.pk).exists()


def lease_scope_q(roles: UserRoles) -> Q:
    """Contracts a login sees (a filter over LeaseContract): those of the lots whose money
    it sees (lot_money_q). The MC that manages the lot now sees the lot's contracts, its
    predecessor's included: it is the one that must have them registered."""
    if not roles.authenticated:
        return NOTHING
    return Q(lot__in=Lot.objects.filter(lot_money_q(roles)).values("pk"))


def may_register_lease(roles: UserRoles, contract: Any) -> bool:
    """The tax registration of a contract: as ``lease_q``, for the contract's lot."""
    return Lot.objects.filter(lease_q(roles), pk=contract.lot_id).exists()


def violation_q(roles: UserRoles) -> Q:
    """Lease violations a login sees (a filter over LeaseViolation): the inspectors of the
    contract's region (every region for a national inspector and the administrator)."""
    return oversight_q(roles, path="contract__lot__region_id")


def may_see_violations(roles: UserRoles) -> bool:
    return roles.superuser or roles.inspector


def inspection_q(roles: UserRoles) -> Q:
    """Lots whose MCs' money by month (contributions, additional revenue) a login reads on
    the inspection's page: the region's inspectors (all for a national one)."""
    return oversight_q(roles, path="region_id")


def may_inspect_money(roles: UserRoles) -> bool:
    return roles.superuser or roles.inspector


def ledger_transaction_q(roles: UserRoles) -> Q:
    """Ledger transactions an inspector reads in the console: those of a lot of their
    region (accruals, revenue) or touching an apartment of it (payments); a national
    inspector and the administrator read all."""
    if roles.superuser or roles.is_national_inspector:
        return EVERYTHING
    if not roles.inspector or roles.inspector_region_id is None:
        return NOTHING
    region = roles.inspector_region_id
    touching = LedgerEntry.objects.filter(apartment__building__region_id=region)
    return Q(lot__region_id=region) | Q(pk__in=touching.values("transaction_id"))


def ledger_entry_q(roles: UserRoles) -> Q:
    """Ledger entries: those of the transactions ``ledger_transaction_q`` shows (both sides
    of each)."""
    if roles.superuser or roles.is_national_inspector:
        return EVERYTHING
    seen = LedgerTransaction.objects.filter(ledger_transaction_q(roles))
    return Q(transaction_id__in=seen.values("pk"))


def ledger_account_q(roles: UserRoles) -> Q:
    """Ledger accounts: a regional inspector reads those of the MCs with a lot in their
    region; providers' clearing accounts are national (a national inspector and the
    administrator read every account)."""
    if roles.superuser or roles.is_national_inspector:
        return EVERYTHING
    if not roles.inspector or roles.inspector_region_id is None:
        return NOTHING
    managers = Lot.objects.filter(region_id=roles.inspector_region_id, manager__isnull=False)
    return Q(company_id__in=managers.values("manager_id"))


def payments_oversight_q(roles: UserRoles) -> Q:
    """Provider transactions and reconciliation flags an inspector oversees: those of the
    apartments of their region, through the apartment's building (a national inspector and
    the administrator: all, the flags of unknown account numbers included)."""
    return oversight_q(roles, path="apartment__building__region_id")


def report_q(roles: UserRoles) -> Q:
    """Lots whose quarterly reports a login files (DOMAIN.md "Quarterly reports"): the
    director or the accountant of the MC that manages the lot, while the MC is in the
    register."""
    if not roles.authenticated or roles.mc_role not in REPORT_ROLES:
        return NOTHING
    return lot_policies.managing_q(roles)


def may_file_report(roles: UserRoles, lot: Any) -> bool:
    return Lot.objects.filter(report_q(roles), pk=lot.pk).exists()


def report_lots_q(roles: UserRoles) -> Q:
    """Lots whose submitted quarterly reports a login reads (DOMAIN.md: the report is
    published to the lot's owners): the lot's owners (an owner now of one of its
    apartments) and those who see its money (lot_money_q: its MC, its councils, its
    region's inspectors)."""
    if not roles.authenticated:
        return NOTHING
    condition = lot_money_q(roles)
    if roles.owns_apartments and roles.person is not None:
        condition |= Q(
            pk__in=Lot.objects.filter(
                members__building__apartments__ownerships__person_id=roles.person.pk,
                members__building__apartments__ownerships__until__isnull=True,
            ).values("pk")
        )
    return condition


def report_view_q(roles: UserRoles) -> Q:
    """Quarterly reports a login reads (a filter over QuarterlyReport): the submitted ones
    of the lots of ``report_lots_q``; a draft only to those who file it (``report_q``: the
    director or the accountant of the MC that manages the lot; its working material)."""
    if not roles.authenticated:
        return NOTHING
    submitted = Q(
        status="submitted", lot_id__in=Lot.objects.filter(report_lots_q(roles)).values("pk")
    )
    drafts = Q(status="draft", lot_id__in=Lot.objects.filter(report_q(roles)).values("pk"))
    return submitted | drafts
