"""State changes of logins, people and roles (services: keyword-only, atomic, validated)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import MC_ROLES, LoginLink, Membership, Person, Role, User
from accounts.permissions import forget_roles
from accounts.validators import normalize_phone

MSG_PINFL_TAKEN = _("A person with this PINFL is already registered.")
MSG_MEMBERSHIP_TAKEN = _("This login already holds an active role of this kind.")
MSG_LINK_ADMIN_ONLY = _("Only an administrator may link a login to a person.")
MSG_LOGIN_TAKEN = _("This login is already linked to another person.")


class AccountsError(Exception):
    """A domain error of the accounts app; ``message`` is user-facing and translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def person_create(
    *, pinfl: str, full_name: str, phone: str = "", user: User | None = None
) -> Person:
    person = Person(pinfl=pinfl.strip(), full_name=full_name.strip(), user=user)
    person.phone = normalize_phone(phone) if phone else ""
    try:
        person.full_clean()
    except ValidationError as exc:
        if "pinfl" in exc.message_dict and Person.objects.filter(pinfl=person.pinfl).exists():
            raise AccountsError(str(MSG_PINFL_TAKEN)) from None
        raise
    person.save()
    return person


@transaction.atomic
def person_login_link(*, person: Person, user: User | None, by: User, reason: str = "") -> Person:
    """Link ``person`` to ``user`` (or unlink it, with ``user=None``), and record it.

    The linked login becomes that person: it sees their apartments, votes and pays for
    them. Only an administrator may do it (accounts.policies.may_link_login).
    """
    from accounts.permissions import roles_of

    if not roles_of(by).superuser:
        raise AccountsError(str(MSG_LINK_ADMIN_ONLY))
    person = Person.objects.select_for_update().get(pk=person.pk)
    previous = person.user
    if (previous.pk if previous else None) == (user.pk if user else None):
        return person
    if user is not None and Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise AccountsError(str(MSG_LOGIN_TAKEN))
    person.user = user
    try:
        with transaction.atomic():
            person.save(update_fields=["user"])
    except IntegrityError:  # linked to another person at the same moment
        raise AccountsError(str(MSG_LOGIN_TAKEN)) from None
    LoginLink.objects.create(
        person=person, previous_user=previous, user=user, by=by, reason=reason.strip()
    )
    for login in (previous, user):
        if login is not None:
            forget_roles(login)
    return person


@transaction.atomic
def user_phone_set(*, user: User, phone: str) -> User:
    """Change a login's phone number; the number stays unique across logins."""
    user.phone = normalize_phone(phone) if phone else None
    user.full_clean(exclude=["password"])
    user.save(update_fields=["phone"])
    return user


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: Role,
    organization_id: int | None = None,
    district_id: int | None = None,
    region_id: int | None = None,
) -> Membership:
    """Give ``user`` a role. Inspectors get admin access (``is_staff``) with it."""
    membership = Membership(
        user=user,
        role=role,
        organization_id=organization_id,
        district_id=district_id,
        region_id=region_id,
    )
    membership.full_clean()
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        # The partial unique constraints are the final word under concurrency.
        raise AccountsError(str(MSG_MEMBERSHIP_TAKEN)) from None
    if role == Role.INSPECTOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_roles(user)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership) -> Membership:
    """End a role; the row stays as history. Admin access ends with the last inspector role."""
    if membership.revoked_at is None:
        membership.revoked_at = timezone.now()
        membership.save(update_fields=["revoked_at"])
    user = membership.user
    still_inspector = Membership.objects.active().filter(user=user, role=Role.INSPECTOR).exists()
    if membership.role == Role.INSPECTOR and not still_inspector and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    forget_roles(user)
    return membership


__all__ = [
    "MC_ROLES",
    "AccountsError",
    "membership_grant",
    "membership_revoke",
    "person_create",
    "user_phone_set",
]
