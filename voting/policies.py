"""Who may see or do what in lot elections (ARCHITECTURE.md "policies.py")."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import UserRoles
from core.scopes import NOTHING
from lots import policies as lot_policies
from lots.models import Lot
from voting.models import Election, Elector


def election_scope_q(roles: UserRoles) -> Q:
    """Elections of the lots a login may see (lots.policies.lot_scope_q), and those where
    the login's person is in the electorate."""
    condition = Q(lot__in=Lot.objects.filter(lot_policies.lot_scope_q(roles)).values("pk"))
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
