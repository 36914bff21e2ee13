"""Who may see or do what in lot elections (ARCHITECTURE.md "policies.py")."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import UserRoles
from buildings.policies import oversight_q
from core.scopes import NOTHING
from lots import policies as lot_policies
from lots.models import Lot
from voting.models import Candidate, Election, ElectionStatus, Elector


def election_scope_q(roles: UserRoles) -> Q:
    """Elections of the lots a login may see (lots.policies.lot_scope_q), those where the
    login's person is in the electorate, and, for a registered company's staff, every open
    election (nomination is public to the register) and those it stands in."""
    condition = Q(lot__in=Lot.objects.filter(lot_policies.lot_scope_q(roles)).values("pk"))
    if roles.managing_organization_id is not None:
        # a registered company's staff see open elections (to stand) and those it stands in
        condition |= Q(status=ElectionStatus.OPEN) | Q(
            pk__in=Candidate.objects.filter(company_id=roles.managing_organization_id).values(
                "election_id"
            )
        )
    if roles.person is not None:
        condition |= Q(
            pk__in=Elector.objects.filter(person_id=roles.person.pk).values("election_id")
        )
    return condition if roles.authenticated else NOTHING


def election_visible(roles: UserRoles, election: Any) -> bool:
    return Election.objects.filter(election_scope_q(roles), pk=election.pk).exists()


def may_run(roles: UserRoles, lot: Any) -> bool:
    """Opening, closing and appointing are the acts of a council of the lot."""
    return lot_policies.is_council_of(roles, lot)


def may_apply(roles: UserRoles, company: Any) -> bool:
    """A company stands through its director, while it is in the register."""
    return roles.mc_role == Role.MC_DIRECTOR and roles.managing_organization_id == company.pk


def board_q(roles: UserRoles) -> Q:
    """The bulletin board of an election: its electorate, the councils of the lot and the
    region's inspectors (DOMAIN.md: "which only that electorate can see"; the candidates
    do not see it)."""
    if not roles.authenticated:
        return NOTHING
    condition = Q(lot__in=Lot.objects.filter(lot_policies.council_q(roles)).values("pk"))
    if roles.inspector:
        condition |= Q(lot__in=Lot.objects.filter(oversight_q(roles)).values("pk"))
    if roles.person is not None:
        condition |= Q(
            pk__in=Elector.objects.filter(person_id=roles.person.pk).values("election_id")
        )
    return condition


def board_visible(roles: UserRoles, election: Any) -> bool:
    return Election.objects.filter(board_q(roles), pk=election.pk).exists()
