"""Who must use a second factor: the officials (issue 15, part 3).

Inspectors, district council members, management-company directors and accountants (an
active Membership of one of these roles) and administrators (superusers). Their logins
decide lots, elections, money and personal data. Owners, MC dispatchers and technicians
may enable MFA but are never forced. The same logins are the "officials" whose sessions
end after ``settings.OFFICIAL_SESSION_IDLE_SECONDS`` without activity.
"""

from __future__ import annotations

from accounts.models import Role
from accounts.permissions import UserRoles

MFA_ROLES = frozenset({Role.INSPECTOR, Role.COUNCIL_MEMBER, Role.MC_DIRECTOR, Role.MC_ACCOUNTANT})


def mfa_required(roles: UserRoles) -> bool:
    """The officials' rule: a second factor is required (and their idle sessions expire)."""
    return roles.authenticated and (roles.superuser or bool(roles.names & MFA_ROLES))


def may_reset_mfa(roles: UserRoles) -> bool:
    """Removing a login's second factors lets whoever holds the password in: an
    administrator's act, as linking a login to a person is (accounts.policies)."""
    return roles.superuser
