"""Who may see or do what with tickets and appeals (ARCHITECTURE.md "policies"): each rule
once, as a queryset filter and the single-object check derived from it.

Chosen where DOMAIN.md is silent:
- an owner sees the tickets they filed and those of an apartment they own now (a
  co-owner sees the flat's tickets); a common-area ticket is its filer's;
- the staff of an MC in the register see and handle the tickets of their company (the MC
  that managed the building when the ticket was filed): director, dispatcher, accountant
  and technicians alike; a rival MC sees nothing (404);
- the region's inspectors see the tickets and appeals of their region's buildings, and
  answer the appeals.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import UserRoles
from buildings.models import Apartment, Building, Ownership
from buildings.policies import oversight_q
from core.scopes import NOTHING

HANDLER_ROLES = (Role.MC_DIRECTOR, Role.MC_DISPATCHER, Role.MC_ACCOUNTANT, Role.MC_TECHNICIAN)


def _owned_apartments(roles: UserRoles) -> Any:
    assert roles.person is not None
    return Ownership.objects.filter(person_id=roles.person.pk, until__isnull=True).values(
        "apartment_id"
    )


def ticket_q(roles: UserRoles, user_id: int | None) -> Q:
    """Tickets a login sees (a filter over Ticket): its MC's, its region's (inspectors),
    and the owner's side (``owner_ticket_q``)."""
    if not roles.authenticated:
        return NOTHING
    condition = oversight_q(roles, path="building__region_id")
    if roles.managing_organization_id is not None:
        condition |= Q(company_id=roles.managing_organization_id)
    return condition | owner_ticket_q(roles, user_id)


def handle_q(roles: UserRoles) -> Q:
    """Tickets a login handles (reviews the triage, assigns, starts, resolves): the staff
    of the ticket's MC while it is in the register."""
    if not roles.authenticated or roles.managing_organization_id is None:
        return NOTHING
    if roles.mc_role not in HANDLER_ROLES:
        return NOTHING
    return Q(company_id=roles.managing_organization_id)


def owner_ticket_q(roles: UserRoles, user_id: int | None) -> Q:
    """Tickets whose owner's side (rating, reopening, appealing) a login holds: the filer
    of an owner's ticket, or an owner now of its apartment."""
    if not roles.authenticated or roles.person is None:
        return NOTHING
    condition = Q(apartment_id__in=_owned_apartments(roles))
    if user_id is not None:
        condition |= Q(filed_by_id=user_id, channel="web")
    return condition


def filing_apartments(roles: UserRoles) -> Any:
    """Apartments an owner files a ticket for: those they own now."""
    if not roles.authenticated or roles.person is None:
        return Apartment.objects.none()
    return Apartment.objects.filter(pk__in=_owned_apartments(roles))


def filing_buildings_q(roles: UserRoles) -> Q:
    """Buildings a login files a ticket for: an owner's (an apartment there, or its common
    areas); a dispatcher's or director's taking a call: every building their MC manages."""
    if not roles.authenticated:
        return NOTHING
    condition = NOTHING
    if roles.person is not None:
        condition |= Q(apartments__in=filing_apartments(roles))
    if roles.managing_organization_id is not None and roles.mc_role in (
        Role.MC_DIRECTOR,
        Role.MC_DISPATCHER,
    ):
        condition |= Q(manager_id=roles.managing_organization_id)
    return condition


def may_file_for(roles: UserRoles, building: Any) -> bool:
    return Building.objects.filter(filing_buildings_q(roles), pk=building.pk).exists()


def takes_calls(roles: UserRoles) -> bool:
    return roles.managing_organization_id is not None and roles.mc_role in (
        Role.MC_DIRECTOR,
        Role.MC_DISPATCHER,
    )


def appeal_q(roles: UserRoles, user_id: int | None) -> Q:
    """Appeals a login sees: its author's own, the region's inspectors'."""
    if not roles.authenticated:
        return NOTHING
    condition = oversight_q(roles, path="region_id")
    if user_id is not None and roles.person is not None:
        condition |= Q(author_id=user_id)
    return condition


def answer_q(roles: UserRoles) -> Q:
    """Appeals a login answers: the inspectors of the appeal's region."""
    if not roles.authenticated or not (roles.inspector or roles.superuser):
        return NOTHING
    return oversight_q(roles, path="region_id")


def handles_tickets(roles: UserRoles) -> bool:
    """Whether ``handle_q`` holds any ticket for the login: its MC's queue exists."""
    return roles.managing_organization_id is not None and roles.mc_role in HANDLER_ROLES


def has_dispatch_page(roles: UserRoles) -> bool:
    """Who has the dispatch pages and API at all: owners, an MC's staff (while in the
    register), inspectors; everyone else gets 404."""
    return bool(
        roles.is_owner or roles.managing_organization_id or roles.inspector or roles.superuser
    )
