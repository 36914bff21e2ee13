"""Who may see or do what with logins and people (ARCHITECTURE.md "policies.py").

Each rule is written once as a queryset filter; the single-object check is derived from it
(the same filter, narrowed to the object's primary key), so a list and a detail page can
never disagree.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Person
from accounts.permissions import UserRoles
from core.scopes import EVERYTHING, NOTHING


def admin_access(roles: UserRoles) -> bool:
    """The inspection console: inspectors and administrators."""
    return roles.superuser or roles.inspector


def person_scope_q(roles: UserRoles, user_id: int | None = None) -> Q:
    """People a login may see: personal data (PINFL) is the inspection's, region by region.

    A regional inspector sees the people who own (or owned) an apartment in their region,
    no one else: not officials, not owners elsewhere. Everyone sees their own Person.
    Ownership belongs to the registry app; its relation name is enough here.
    """
    if roles.superuser or roles.is_national_inspector:
        return EVERYTHING
    condition = NOTHING
    if user_id is not None:
        condition |= Q(user_id=user_id)
    if roles.inspector and roles.inspector_region_id is not None:
        condition |= Q(
            pk__in=Person.objects.filter(
                ownerships__apartment__building__region_id=roles.inspector_region_id
            ).values("pk")
        )
    return condition


def person_visible(roles: UserRoles, person: Any, user_id: int | None = None) -> bool:
    return Person.objects.filter(person_scope_q(roles, user_id), pk=person.pk).exists()


def may_link_login(roles: UserRoles) -> bool:
    """Linking a login to a Person makes it that owner: an administrator's act, recorded."""
    return roles.superuser
