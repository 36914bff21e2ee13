"""What a login and a change of second factors remember in the session.

Connected once at start-up, by AccountsConfig.ready (accounts/apps.py).

At login (Django's signal, so a form login, allauth's MFA step, OneID and the tests'
``force_login`` alike) the session gets its activity time and, after one query, whether
the login has a second factor: an official's pages then cost no query for either rule.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from accounts.security.services import has_second_factor, sessions_forget_mfa
from accounts.security.session_keys import LAST_SEEN, MFA_ENROLLED


@receiver(user_logged_in, dispatch_uid="accounts.security.on_login")
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    session[LAST_SEEN] = int(timezone.now().timestamp())
    if has_second_factor(user):
        session[MFA_ENROLLED] = True
    else:
        session.pop(MFA_ENROLLED, None)


@receiver(mfa_signals.authenticator_added, dispatch_uid="accounts.security.on_added")
def on_authenticator_added(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and has_second_factor(user):
        request.session[MFA_ENROLLED] = True


@receiver(mfa_signals.authenticator_removed, dispatch_uid="accounts.security.on_removed")
def on_authenticator_removed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_ENROLLED, None)
    sessions_forget_mfa(user)
