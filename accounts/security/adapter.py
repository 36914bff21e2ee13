"""allauth.mfa's adapter (``MFA_ADAPTER``)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.utils.translation import gettext_lazy as _

from accounts.permissions import roles_of
from accounts.security.rules import mfa_required


class MfaAdapter(DefaultMFAAdapter):
    error_messages: dict[str, Any] = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your role requires two-factor authentication, so you cannot switch it off. "
            "If you lost your device, an administrator can reset it."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """An official may not remove their own second factor (the officials' rule,
        accounts.security.rules); an administrator's reset is the way after a lost device."""
        return not mfa_required(roles_of(authenticator.user))
