"""Who a OneID sign-in logs in as (state changes: keyword-only, atomic, validated).

The uid is the PINFL. Matching rule (issue 15):

- the PINFL is a registry ``Person`` with a login → that login (OneID is connected to it);
- a ``Person`` without a login → a new login (no email, no roles; the phone only if no
  other login has it), linked to the person and recorded as a ``LoginLink``;
- no ``Person`` → a new login with no roles and no person; the PINFL stays on the
  SocialAccount, and the page accounts:oneid-unmatched explains the way into the registry;
- a session already logged in may only sign in again as the same login: OneID never
  switches or merges logins. Any disagreement (the registry's person is linked to another
  login than the OneID account, the login belongs to another person or to another OneID)
  is refused with a message, and nothing is written.

OneID's name and phone never overwrite the registry's ``Person.full_name``/``phone``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from allauth.socialaccount.models import SocialAccount
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import PLACEHOLDER_EMAIL_DOMAIN, LoginLink, Person, User
from accounts.permissions import forget_roles
from accounts.validators import PHONE_RE

PROVIDER_ID = "oneid"
LINK_REASON = "OneID"
# A login needs an email or a phone (accounts.User's constraint). When no phone is free,
# the new login gets an address on the reserved .invalid domain (RFC 2606): it receives
# nothing (``User.mailbox`` is empty) and signs in only through OneID.
PLACEHOLDER_DOMAIN = PLACEHOLDER_EMAIL_DOMAIN

MSG_SESSION_OTHER_LOGIN = _(
    "You are logged in with another login. Log out first, then sign in with OneID."
)
MSG_REGISTRY_DISAGREES = _(
    "This OneID account is connected to a different login than the one the registry links "
    "to your PINFL. Nothing was changed. Please contact the district housing inspection."
)
MSG_LOGIN_OTHER_PERSON = _(
    "This login belongs to another person in the registry, so OneID cannot sign in to it. "
    "Nothing was changed."
)
MSG_LOGIN_OTHER_ONEID = _(
    "This login is already connected to another OneID account. Nothing was changed."
)
MSG_TRY_AGAIN = _("Your sign-in was being completed at the same moment. Please try again.")


class OneIdConflict(Exception):
    """A OneID sign-in refused by the matching rule; ``message`` is user-facing."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Match:
    """The registry's person of the PINFL (or None) and the login to sign in as (None:
    a new login is created)."""

    person: Person | None
    user: User | None


def oneid_match(*, pinfl: str, linked: User | None, current: User | None) -> Match:
    """Apply the matching rule (reads only). ``linked``: the login the OneID account is
    already connected to; ``current``: the session's login."""
    person = Person.objects.select_related("user").filter(pinfl=pinfl).first()
    person_user = person.user if person is not None else None
    if linked is not None and person_user is not None and linked.pk != person_user.pk:
        raise OneIdConflict(str(MSG_REGISTRY_DISAGREES))
    target = linked or person_user
    if current is not None and (target is None or target.pk != current.pk):
        raise OneIdConflict(str(MSG_SESSION_OTHER_LOGIN))
    if target is not None:
        own = Person.objects.filter(user=target).exclude(pinfl=pinfl).exists()
        if own:
            raise OneIdConflict(str(MSG_LOGIN_OTHER_PERSON))
        other = SocialAccount.objects.filter(user=target, provider=PROVIDER_ID).exclude(uid=pinfl)
        if other.exists():
            raise OneIdConflict(str(MSG_LOGIN_OTHER_ONEID))
    return Match(person=person, user=target)


def _link(*, person: Person, user: User) -> None:
    """Link ``person`` (locked) to ``user`` and record it; the citizen did it, through
    OneID's proof of their PINFL."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id == user.pk:
        return
    if person.user_id is not None:
        raise OneIdConflict(str(MSG_TRY_AGAIN))
    person.user = user
    person.save(update_fields=["user"])
    LoginLink.objects.create(
        person=person, previous_user=None, user=user, by=user, reason=LINK_REASON
    )
    forget_roles(user)


def _save_account(account: SocialAccount, user: User) -> None:
    account.user = user
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:  # the same OneID account connected at the same moment
        raise OneIdConflict(str(MSG_TRY_AGAIN)) from None


@transaction.atomic
def oneid_connect(*, user: User, person: Person | None, account: SocialAccount) -> User:
    """Sign-in as an existing login: connect the OneID account to it (if new), and link
    the registry's person to it (if the person had no login yet)."""
    if account.pk is None:
        _save_account(account, user)
    if person is not None and person.user_id is None:
        _link(person=person, user=user)
    return user


def _free_phone(*candidates: str) -> str | None:
    for phone in candidates:
        if phone and PHONE_RE.match(phone) and not User.objects.filter(phone=phone).exists():
            return phone
    return None


@transaction.atomic
def oneid_signup(*, account: SocialAccount, oneid_phone: str = "") -> User:
    """A new login for the OneID account's PINFL: no email and no roles; the phone is the
    registry's (else OneID's) if no other login has it; linked to the registry's person
    if there is one. All or nothing."""
    person = Person.objects.select_for_update().filter(pinfl=account.uid).first()
    if person is not None and person.user_id is not None:
        raise OneIdConflict(str(MSG_TRY_AGAIN))
    phone = _free_phone(person.phone if person is not None else "", oneid_phone)
    email = None if phone else f"oneid-{secrets.token_hex(8)}@{PLACEHOLDER_DOMAIN}"
    user = User(email=email, phone=phone)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the phone was taken at the same moment
        raise OneIdConflict(str(MSG_TRY_AGAIN)) from None
    _save_account(account, user)
    if person is not None:
        _link(person=person, user=user)
    return user
