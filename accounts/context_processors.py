"""Navigation by role for ``base.html``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import roles_of
from accounts.policies import admin_access


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles = roles_of(user)
    items: list[tuple[str, Any]] = [(reverse("home"), _("Home"))]
    if roles.is_owner:
        items.append((reverse("buildings:my_apartments"), _("My apartments")))
        items.append((reverse("billing:my_bills"), _("My bills")))
    items.append((reverse("buildings:building_list"), _("Buildings")))
    items.append((reverse("buildings:map"), _("Map")))
    if roles.is_mc_staff and roles.organization_id:
        items.append(
            (reverse("organizations:staff", args=[roles.organization_id]), _("My company"))
        )
    if roles.is_council_member:
        items.append((reverse("lots:council"), _("District council")))
    overseer = roles.inspector or roles.superuser
    if roles.is_owner or roles.is_council_member or overseer:
        items.append((reverse("voting:my_votes"), _("Votes")))
    if roles.authenticated and (roles.is_council_member or overseer or roles.is_mc_staff):
        items.append((reverse("lots:list"), _("Lots")))
    items.append((reverse("organizations:register"), _("Register")))
    if user is not None and user.is_active and admin_access(roles):
        items.append((reverse("admin:index"), _("Inspection")))
    if roles.authenticated:
        items.append((reverse("accounts:profile"), _("Profile")))
    return {"nav_items": items, "roles": roles}
