"""State changes of second factors (services: keyword-only, atomic, validated).

"Admin forms call the same services" (ARCHITECTURE.md): the User admin's "Reset two-factor
authentication" page calls ``mfa_reset``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import MfaReset, User
from accounts.permissions import roles_of
from accounts.security.rules import may_reset_mfa
from accounts.security.session_keys import MFA_ENROLLED

# The types that make a login "enrolled" (recovery codes alone are no second factor).
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

MSG_RESET_ADMIN_ONLY = _("Only an administrator may reset two-factor authentication.")
MSG_RESET_REASON_REQUIRED = _("Say why the second factor is reset (for example, a lost phone).")
MSG_RESET_OWN = _("You cannot reset your own two-factor authentication: ask another administrator.")
MSG_RESET_NOTHING = _("This login has no two-factor authentication to reset.")


class SecurityError(Exception):
    """A domain error of accounts.security; ``message`` is user-facing and translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def has_second_factor(user: Any) -> bool:
    """One query: does ``user`` have a TOTP (or WebAuthn) authenticator?"""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def sessions_forget_mfa(user: User) -> None:
    """Drop the remembered "enrolled" mark from every recorded session of ``user``, so
    that the next request of each looks at the authenticators again."""
    engine = import_module(settings.SESSION_ENGINE)
    for record in UserSession.objects.filter(user_id=user.pk):
        store = engine.SessionStore(record.session_key)
        if store.get(MFA_ENROLLED) is not None:
            del store[MFA_ENROLLED]
            store.save()


@transaction.atomic
def mfa_reset(*, user: User, by: User, reason: str) -> MfaReset:
    """Remove every second factor of ``user`` (a lost or stolen device) and record it.

    Only an administrator may (accounts.security.rules.may_reset_mfa), with a reason, and
    not for their own login (a second administrator's eyes). Every recorded session of the
    login ends: a stolen phone may hold one. An official is then sent to enrolment again
    at the next login (accounts.security.middleware).
    """
    if not may_reset_mfa(roles_of(by)):
        raise SecurityError(str(MSG_RESET_ADMIN_ONLY))
    reason = (reason or "").strip()
    if not reason:
        raise SecurityError(str(MSG_RESET_REASON_REQUIRED))
    if by.pk == user.pk:
        raise SecurityError(str(MSG_RESET_OWN))
    authenticators = list(
        Authenticator.objects.select_for_update().filter(user_id=user.pk).order_by("pk")
    )
    if not authenticators:
        raise SecurityError(str(MSG_RESET_NOTHING))
    removed = sorted({a.type for a in authenticators})
    Authenticator.objects.filter(pk__in=[a.pk for a in authenticators]).delete()
    record = MfaReset(user=user, by=by, reason=reason, removed=removed)
    record.full_clean()
    record.save()
    for session in UserSession.objects.filter(user_id=user.pk):
        session.end()
    return record


@transaction.atomic
def totp_enrol(*, user: User, secret: str) -> Authenticator:
    """Give ``user`` a TOTP authenticator with a known ``secret`` (base32), unless it has
    one: the demo's officials (mening_uyim.demo), whose code anyone can compute. Real
    logins enrol on allauth's page, with a secret they alone saw."""
    existing = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return existing
    return TOTP.activate(user, secret).instance
