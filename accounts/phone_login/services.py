"""Issuing and confirming sign-in codes (the rules are in accounts/phone_login/__init__.py).

``login_code_issue`` answers the same for every phone (a ``LoginCode`` row each time;
an SMS only to the one Person whose record holds the number); ``login_code_confirm``
checks the newest code of the phone and, when it matches, returns the login to sign in,
creating it (with its ``LoginLink``) in the same transaction for a Person without one.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.models import LoginCode, LoginLink, Person, User
from accounts.permissions import forget_roles
from accounts.sms import SmsGatewayError, send_sms

CODE_DIGITS = 6
LINK_REASON = "SMS code"  # LoginLink.reason: a record, kept in one language
GATEWAY_DOWN_KEY = "phone_login:gateway_down"
_HMAC_SALT = "accounts.phone_login.code"

MSG_CODE_WRONG = _("The code is not right. Check the SMS and try again.")
MSG_CODE_EXPIRED = _("This code has expired or was already used. Ask for a new code.")
MSG_CODE_ATTEMPTS = _("Too many wrong codes. Ask for a new code.")
MSG_PHONE_TAKEN = _(
    "This number already belongs to another login. Log in with OneID, or ask the district "
    "housing inspection to link your login."
)
MSG_GATEWAY_DOWN = _(
    "The SMS service is not answering. Try again in a few minutes, or log in with OneID."
)
SMS_TEXT = _(
    "Mening Uyim: your sign-in code is %(code)s. It is valid for %(minutes)s minutes. "
    "Do not tell it to anyone."
)


class PhoneLoginError(Exception):
    """A refusal shown to the user; ``message`` is translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GatewayDown(PhoneLoginError):
    """The SMS gateway failed now or a moment ago (``SMS_GATEWAY_DOWN_SECONDS``)."""


def code_hash(phone: str, code: str) -> str:
    """The HMAC (SECRET_KEY-keyed, SHA-256) of the code with its phone: all that is kept."""
    return salted_hmac(_HMAC_SALT, f"{phone}:{code}", algorithm="sha256").hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _owner_of(phone: str) -> Person | None:
    """The one Person whose registry record holds ``phone``; none when no record or
    several do (a shared family number cannot say who is signing in)."""
    people = list(Person.objects.filter(phone=phone).select_related("user")[:2])
    return people[0] if len(people) == 1 else None


def gateway_is_down() -> bool:
    return bool(cache.get(GATEWAY_DOWN_KEY))


def login_code_issue(*, phone: str, ip: str | None = None) -> LoginCode:
    """Make a code for ``phone`` (already normalised) and send it to its owner.

    Neutral answer rule (issue 15): known, unknown and shared numbers all get a row and
    the same answer; only the single owner of the number gets an SMS. The SMS goes
    before anything is written, outside a transaction (a slow gateway must not hold the
    database): when it fails no row is written, the previous code stays valid, and for
    ``SMS_GATEWAY_DOWN_SECONDS`` every request, known number or not, is refused the
    same way (``GatewayDown``) so that the failure does not single out the known ones.
    """
    if gateway_is_down():
        raise GatewayDown(str(MSG_GATEWAY_DOWN))
    person = _owner_of(phone)
    code = _new_code()  # for an unknown number, a code nobody is told
    if person is not None:
        minutes = max(1, settings.SMS_CODE_TTL_SECONDS // 60)
        try:
            send_sms(phone, str(SMS_TEXT) % {"code": code, "minutes": minutes})
        except SmsGatewayError:
            cache.set(GATEWAY_DOWN_KEY, True, settings.SMS_GATEWAY_DOWN_SECONDS)
            raise GatewayDown(str(MSG_GATEWAY_DOWN)) from None
    now = timezone.now()
    with transaction.atomic():
        # A newer code supersedes the older ones of the number.
        LoginCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        row = LoginCode(
            phone=phone,
            person=person,
            code_hash=code_hash(phone, code),
            created_at=now,
            expires_at=now + dt.timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
            ip=ip,
        )
        row.full_clean()
        row.save()
    return row


class Outcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    ATTEMPTS = "attempts"


@dataclass(frozen=True)
class Confirmed:
    user: User
    created: bool  # a login made now, for a registry-only owner


def _check(phone: str, code: str, now: dt.datetime) -> tuple[Outcome, LoginCode | None]:
    """Compare ``code`` with the newest code of ``phone``, counting a wrong try; in its
    own transaction, so that the count stays whatever follows."""
    with transaction.atomic():
        row = (
            LoginCode.objects.select_for_update()
            .filter(phone=phone)
            .order_by("-created_at", "-id")
            .first()
        )
        if row is None or row.used_at is not None or now >= row.expires_at:
            return Outcome.EXPIRED, None
        if row.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            return Outcome.ATTEMPTS, None
        # An unknown number's code was never sent: it counts as wrong, tries included.
        matches = constant_time_compare(code_hash(phone, code), row.code_hash)
        if not matches or row.person_id is None:
            row.attempts += 1
            row.save(update_fields=["attempts"])
            if row.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
                return Outcome.ATTEMPTS, None
            return Outcome.WRONG, None
        return Outcome.OK, row


def login_code_confirm(*, phone: str, code: str) -> Confirmed:
    """The login that the right, live, unused code of ``phone`` signs in.

    Code rules (issue 15): six digits, valid ``SMS_CODE_TTL_SECONDS`` (until, not at, the
    expiry instant), at most ``SMS_CODE_MAX_ATTEMPTS`` wrong tries, used once, compared
    in constant time with the stored HMAC; only the newest code of the number counts.
    A registry owner without a login gets one now: ``User(phone=…, email=None)`` with no
    password, linked to the Person, with a ``LoginLink`` by that login, in the same
    transaction as the code's use (no login exists before the code is confirmed).
    """
    now = timezone.now()
    outcome, row = _check(phone, code, now)
    if outcome is Outcome.EXPIRED:
        raise PhoneLoginError(str(MSG_CODE_EXPIRED))
    if outcome is Outcome.ATTEMPTS:
        raise PhoneLoginError(str(MSG_CODE_ATTEMPTS))
    if outcome is Outcome.WRONG or row is None or row.person_id is None:
        raise PhoneLoginError(str(MSG_CODE_WRONG))
    try:
        with transaction.atomic():
            return _sign_in(row, phone, now)
    except IntegrityError:  # the same login made at the same moment, or the number taken
        raise PhoneLoginError(str(MSG_PHONE_TAKEN)) from None


def _sign_in(row: LoginCode, phone: str, now: dt.datetime) -> Confirmed:
    locked = LoginCode.objects.select_for_update().get(pk=row.pk)
    if locked.used_at is not None:  # confirmed in another request meanwhile
        raise PhoneLoginError(str(MSG_CODE_EXPIRED))
    locked.used_at = now
    locked.save(update_fields=["used_at"])
    assert row.person_id is not None  # nosec B101 # login_code_confirm checked it
    person = Person.objects.select_for_update().get(pk=row.person_id)
    if person.phone != phone:  # the registry changed the number since the code was sent
        raise PhoneLoginError(str(MSG_CODE_EXPIRED))
    if person.user is not None:
        return Confirmed(user=person.user, created=False)
    if User.objects.filter(phone=phone).exists():
        raise PhoneLoginError(str(MSG_PHONE_TAKEN))
    user = User.objects.create_user(phone=phone, password=None)
    person.user = user
    person.save(update_fields=["user"])
    LoginLink.objects.create(
        person=person, previous_user=None, user=user, by=user, reason=LINK_REASON
    )
    forget_roles(user)
    return Confirmed(user=user, created=True)
