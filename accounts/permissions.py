"""The one place that answers "may this user do X to this object?".

Views, the API and the admin all ask ``can(user, action, obj)``. Objects from apps above
this one are read by attribute (``obj.pk``, ``obj.region_id`` …), never imported, so the
dependency direction of README "Architecture" holds.

Roles are read once per request and cached on the user object (``roles_of``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Count, Q

from accounts.models import MC_ROLES, Membership, Person, Role

_CACHE_ATTR = "_mening_uyim_roles"


@dataclass(frozen=True)
class UserRoles:
    """What one login is, in the terms of DOMAIN.md "Actors"."""

    authenticated: bool = False
    superuser: bool = False
    person: Person | None = None
    mc_role: str | None = None
    organization_id: int | None = None
    organization_name: str = ""
    council_district_id: int | None = None
    council_district_name: str = ""
    council_region_id: int | None = None
    inspector: bool = False
    inspector_region_id: int | None = None  # None with inspector=True: national
    inspector_region_name: str = ""
    names: frozenset[str] = field(default_factory=frozenset)

    owns_apartments: bool = False

    @property
    def is_owner(self) -> bool:
        """An owner is a person with at least one current ownership (DOMAIN.md "Actors")."""
        return self.owns_apartments

    @property
    def is_mc_staff(self) -> bool:
        return self.mc_role is not None

    @property
    def is_council_member(self) -> bool:
        return self.council_district_id is not None

    @property
    def is_national_inspector(self) -> bool:
        return self.inspector and self.inspector_region_id is None

    def inspects_region(self, region_id: int | None) -> bool:
        return self.inspector and (
            self.inspector_region_id is None or region_id == self.inspector_region_id
        )


ANONYMOUS = UserRoles()


def roles_of(user: Any) -> UserRoles:
    """The roles of ``user``, read with at most two queries and cached on the object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    # Ownership lives in the registry app; the reverse relation's name is enough here.
    person = (
        Person.objects.filter(user_id=user.pk)
        .annotate(current=Count("ownerships", filter=Q(ownerships__until__isnull=True)))
        .first()
    )
    owns = bool(person is not None and getattr(person, "current", 0))
    values: dict[str, Any] = {
        "authenticated": True,
        "superuser": user.is_superuser,
        "person": person,
        "owns_apartments": owns,
    }
    names: set[str] = set()
    if owns:
        names.add("owner")
    memberships = (
        Membership.objects.active()
        .filter(user_id=user.pk)
        .select_related("organization", "district", "region")
    )
    for m in memberships:
        names.add(m.role)
        if m.role in MC_ROLES:
            values.update(
                mc_role=m.role,
                organization_id=m.organization_id,
                organization_name=m.organization.name if m.organization else "",
            )
        elif m.role == Role.COUNCIL_MEMBER and m.district is not None:
            values.update(
                council_district_id=m.district_id,
                council_district_name=m.district.name,
                council_region_id=m.district.region_id,
            )
        elif m.role == Role.INSPECTOR:
            values.update(
                inspector=True,
                inspector_region_id=m.region_id,
                inspector_region_name=m.region.name if m.region else "",
            )
    roles = UserRoles(names=frozenset(names), **values)
    setattr(user, _CACHE_ATTR, roles)
    return roles


def forget_roles(user: Any) -> None:
    """Drop the cached roles, after a membership of ``user`` changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


class Action(StrEnum):
    ACCESS_ADMIN = "admin.access"
    VIEW_PERSON = "person.view"
    VIEW_ORGANIZATION_STAFF = "organization.view_staff"
    MANAGE_ORGANIZATION_STAFF = "organization.manage_staff"
    VIEW_COUNCIL_DISTRICT = "district.council_view"
    OVERSEE_REGION = "region.oversee"
    VIEW_BUILDING_PRIVATE = "building.view_private"
    COMMISSION_BUILDING = "building.commission"
    IMPORT_TURAR_JOY = "registry.import"
    EDIT_CLASSIFICATION_POLICY = "registry.edit_policy"
    VIEW_LOT = "lot.view"
    DECIDE_LOT = "lot.decide"
    EDIT_LOT_PROGRAM = "lot.edit_program"


Rule = Callable[[UserRoles, Any, Any], bool]


def _access_admin(r: UserRoles, user: Any, obj: Any) -> bool:
    return r.superuser or r.inspector


def _view_person(r: UserRoles, user: Any, obj: Any) -> bool:
    return r.superuser or r.inspector or (obj is not None and obj.user_id == user.pk)


def _view_org_staff(r: UserRoles, user: Any, obj: Any) -> bool:
    return r.superuser or r.inspector or (r.is_mc_staff and obj.pk == r.organization_id)


def _manage_org_staff(r: UserRoles, user: Any, obj: Any) -> bool:
    return r.superuser or (r.mc_role == Role.MC_DIRECTOR and obj.pk == r.organization_id)


def _view_council_district(r: UserRoles, user: Any, obj: Any) -> bool:
    return (
        r.superuser
        or (r.is_council_member and obj.pk == r.council_district_id)
        or r.inspects_region(obj.region_id)
    )


def _oversee_region(r: UserRoles, user: Any, obj: Any) -> bool:
    return r.superuser or r.inspects_region(obj.pk)


def _view_building_private(r: UserRoles, user: Any, obj: Any) -> bool:
    """Owners' names and account numbers: the region's inspectors and the building's MC."""
    return (
        r.superuser
        or r.inspects_region(obj.region_id)
        or (r.is_mc_staff and obj.manager_id is not None and obj.manager_id == r.organization_id)
    )


def _commission_building(r: UserRoles, user: Any, obj: Any) -> bool:
    return r.superuser or r.inspects_region(obj.region_id)


def _import_turar_joy(r: UserRoles, user: Any, obj: Any) -> bool:
    return r.superuser or r.inspector


def _edit_policy(r: UserRoles, user: Any, obj: Any) -> bool:
    return r.superuser or r.is_national_inspector


_OPEN_TO_OWNERS = ("approved", "election", "managed", "reelection")


def _council_of_lot(r: UserRoles, obj: Any) -> bool:
    return r.council_district_id is not None and bool(
        obj.members.filter(building__district_id=r.council_district_id).exists()
    )


def _view_lot(r: UserRoles, user: Any, obj: Any) -> bool:
    """The lot's councils, its MC, the region's inspectors; its owners once approved."""
    if r.superuser or r.inspects_region(obj.region_id):
        return True
    if r.is_mc_staff and obj.manager_id == r.organization_id:
        return True
    if _council_of_lot(r, obj):
        return True
    return (
        r.owns_apartments
        and r.person is not None
        and obj.status in _OPEN_TO_OWNERS
        and bool(
            obj.members.filter(
                building__apartments__ownerships__person_id=r.person.pk,
                building__apartments__ownerships__until__isnull=True,
            ).exists()
        )
    )


def _decide_lot(r: UserRoles, user: Any, obj: Any) -> bool:
    """Only district councils approve: never an MC, never an inspector."""
    return _council_of_lot(r, obj)


def _edit_lot_program(r: UserRoles, user: Any, obj: Any) -> bool:
    if r.is_mc_staff and obj.manager_id is not None and obj.manager_id == r.organization_id:
        return True
    return obj.status in ("draft", "proposed") and _council_of_lot(r, obj)


RULES: dict[Action, Rule] = {
    Action.ACCESS_ADMIN: _access_admin,
    Action.VIEW_PERSON: _view_person,
    Action.VIEW_ORGANIZATION_STAFF: _view_org_staff,
    Action.MANAGE_ORGANIZATION_STAFF: _manage_org_staff,
    Action.VIEW_COUNCIL_DISTRICT: _view_council_district,
    Action.OVERSEE_REGION: _oversee_region,
    Action.VIEW_BUILDING_PRIVATE: _view_building_private,
    Action.COMMISSION_BUILDING: _commission_building,
    Action.IMPORT_TURAR_JOY: _import_turar_joy,
    Action.EDIT_CLASSIFICATION_POLICY: _edit_policy,
    Action.VIEW_LOT: _view_lot,
    Action.DECIDE_LOT: _decide_lot,
    Action.EDIT_LOT_PROGRAM: _edit_lot_program,
}


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """May ``user`` do ``action`` to ``obj``? Inactive and anonymous users may do nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return RULES[action](roles_of(user), user, obj)


# Model permissions that inspectors hold in the admin by virtue of their role (read by
# accounts.backends.RolePermissionBackend). Scoping of rows to the inspector's region is
# done by each ModelAdmin's queryset.
INSPECTOR_MODEL_PERMISSIONS = frozenset(
    {
        "accounts.view_person",
        "accounts.add_person",
        "accounts.change_person",
        "territory.view_region",
        "territory.view_district",
        "buildings.view_building",
        "buildings.change_building",
        "buildings.view_apartment",
        "buildings.view_ownership",
        "buildings.view_conditionassessment",
        "buildings.add_conditionassessment",
        "buildings.view_monthlyconsumption",
        "buildings.view_landplot",
        "buildings.view_classificationpolicy",
        "lots.view_lot",
        "lots.view_unitcost",
        "organizations.view_removal",
        "buildings.change_classificationpolicy",
        "organizations.view_managementcompany",
        "mening_uyim.view_heartbeat",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.view_intervalschedule",
        "django_celery_beat.view_crontabschedule",
    }
)
