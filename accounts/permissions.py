"""Who a login is: its roles, read once per request (``roles_of``).

What each role may see or do is not decided here: every app has a ``policies.py`` with
its rules, each written once as a queryset filter and a single-object check derived from
it (ARCHITECTURE.md "Inside an app").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from accounts.models import MC_ROLES, Membership, Person, Role
from core.stamps import cached_under, stamps_renew

_CACHE_ATTR = "_mening_uyim_roles"
# The shared cache of roles (``roles_of``): a stamp for everyone, one per login
# (core.stamps), and the entry of each login, valid under those two.
_EVERYONE = "roles"
_STAMP = "roles:{}"
_ENTRY = "roles-of:{}"


@dataclass(frozen=True)
class UserRoles:
    """What one login is, in the terms of DOMAIN.md "Actors"."""

    authenticated: bool = False
    superuser: bool = False
    person: Person | None = None
    mc_role: str | None = None
    organization_id: int | None = None
    organization_name: str = ""
    organization_removed: bool = False
    council_district_id: int | None = None
    council_district_name: str = ""
    council_region_id: int | None = None
    inspector: bool = False
    inspector_region_id: int | None = None  # None with inspector=True: national
    inspector_region_name: str = ""
    names: frozenset[str] = field(default_factory=frozenset)

    owns_apartments: bool = False
    # the buildings of the person's current ownerships (buildings.owner_pages' stamps)
    building_ids: tuple[int, ...] = ()

    @property
    def is_owner(self) -> bool:
        """An owner is a person with at least one current ownership (DOMAIN.md "Actors")."""
        return self.owns_apartments

    @property
    def is_mc_staff(self) -> bool:
        return self.mc_role is not None

    @property
    def managing_organization_id(self) -> int | None:
        """The MC whose managing rights this login exercises; none once it is removed from
        the register (a removed MC loses every right that came from managing)."""
        return None if self.organization_removed else self.organization_id

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
    """The roles of ``user``: cached on the object for the request, and across requests in
    the shared cache (Redis in production) for ``ROLES_CACHE_SECONDS``; otherwise read with
    two queries (three for an owner: the buildings of their ownerships too).

    The shared entry is valid only under the stamps it names (core.stamps): the login's own
    and everyone's. ``roles_changed`` renews them whenever a row the roles are read from
    changes (a membership, an ownership, a person's login, a management company's name or
    register status, a district's or region's name; accounts.receivers and the bulk
    writers). ``superuser`` is taken from the login itself, never from the entry.
    """
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not getattr(user, "is_active", False)
    ):
        return ANONYMOUS  # an inactive login may do nothing
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    seconds = settings.ROLES_CACHE_SECONDS
    if seconds <= 0:
        roles = _roles_read(user)
    else:
        roles = cached_under(
            roles_stamps(user.pk),
            _ENTRY.format(user.pk),
            lambda: _roles_read(user),
            seconds,
        )
        if roles.superuser != user.is_superuser:
            roles = dataclasses.replace(roles, superuser=user.is_superuser)
    setattr(user, _CACHE_ATTR, roles)
    return roles


def _roles_read(user: Any) -> UserRoles:
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
        values["building_ids"] = tuple(
            sorted(
                Person.objects.filter(pk=person.pk, ownerships__until__isnull=True)  # type: ignore[union-attr]
                .values_list("ownerships__apartment__building_id", flat=True)
                .distinct()
            )
        )
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
                # the register's status value, read by attribute (organizations sits above)
                organization_removed=bool(m.organization and m.organization.status == "removed"),
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
    return UserRoles(names=frozenset(names), **values)


def roles_stamps(user_id: int) -> list[str]:
    """The stamps a login's cached roles are valid under: everyone's and its own."""
    return [_EVERYONE, _STAMP.format(user_id)]


def roles_changed(user_ids: Iterable[int | None] | None = None) -> None:
    """The roles of these logins (of everyone, with ``None``) may have changed: their
    shared cache entries are void, now and again when the transaction commits."""
    if settings.ROLES_CACHE_SECONDS <= 0:
        return
    if user_ids is None:
        stamps_renew([_EVERYONE])
    else:
        stamps_renew(_STAMP.format(pk) for pk in user_ids if pk is not None)


_LOGIN_ENTRY = "login-of:{}"


def login_cached(user_id: Any, read: Callable[[Any], Any]) -> Any:
    """The login ``user_id`` names with its roles, as ``read`` (an authentication backend's
    ``get_user``) gives it: from the shared cache under the same stamps as the roles, so a
    signed-in request reads no row for its login.

    The login's own saves and deletes renew its stamp (accounts.receivers), and so does
    every change of its roles: a new password (the session's hash is checked against the
    cached login's, so the other sessions end at once), a deactivation, a new e-mail. A
    login that does not exist or may not sign in is never cached. With
    ``ROLES_CACHE_SECONDS`` 0 the login is read from its row on each request.
    """
    seconds = settings.ROLES_CACHE_SECONDS
    if seconds <= 0:
        return read(user_id)

    def build() -> Any:
        user = read(user_id)
        if user is not None:
            roles_of(user)  # the roles travel with the login (an attribute of it)
        return user

    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return read(user_id)
    return cached_under(roles_stamps(pk), _LOGIN_ENTRY.format(pk), build, seconds)


def forget_roles(user: Any) -> None:
    """Drop the cached roles, after a membership of ``user`` changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    roles_changed([user.pk])


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
        # voting: read-only for everyone (voting/admin.py); ballots without their person
        "voting.view_election",
        "voting.view_candidate",
        "voting.view_interimappointment",
        "voting.view_elector",
        "voting.view_ballot",
        "voting.view_meeting",
        "voting.view_question",
        "voting.view_decision",
        "voting.view_meetingsignature",
        "voting.view_meetingelector",
        "voting.view_meetingballot",
        # billing: read-only for everyone (billing/admin.py), scoped to the region
        "billing.view_ledgeraccount",
        "billing.view_ledgertransaction",
        "billing.view_ledgerentry",
        "billing.view_additionalrevenue",
        "billing.view_leasecontract",
        "billing.view_leaseviolation",
        # billing: payments and reconciliation flags, read-only (billing/payments/admin.py)
        "billing.view_providertransaction",
        "billing.view_reconciliationflag",
        # billing: quarterly reports and suspensions, read-only (billing/report_admin.py)
        "billing.view_quarterlyreport",
        "billing.view_reportexpense",
        "billing.view_reportwork",
        "billing.view_suspension",
        "billing.view_suspendedmonth",
        # dispatch: read-only (dispatch/admin.py), scoped to the region
        "dispatch.view_ticket",
        "dispatch.view_ticketevent",
        "dispatch.view_escalation",
        "dispatch.view_appeal",
        "mening_uyim.view_heartbeat",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.view_intervalschedule",
        "django_celery_beat.view_crontabschedule",
    }
)
