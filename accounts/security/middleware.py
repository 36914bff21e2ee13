"""The officials' two rules, on every request (accounts.security.rules says who they are).

``OfficialIdleTimeout`` ends an official's session after
``settings.OFFICIAL_SESSION_IDLE_SECONDS`` without a request. The session keeps the time of
the last activity; it is written at login and then at most once a minute
(``ACTIVITY_WRITE_SECONDS``), so an active official's pages do not each save the session. An
official is therefore logged out after between 29 and 30 minutes of real idleness, never
later than 30. Anyone else's session is left to Django's cookie age.

``MfaEnrolmentRequired`` sends an official without a second factor to allauth's TOTP
activation page (``mfa_activate_totp``), with a message saying why. "Role pages" are, for
this rule, **every page but the way to enrolment**: nothing of the site, the public
register and the home page included, is served to such a login. The public pages are not
exempt because they are not the same for an official: the home gathers the role's work,
the building and register pages show an inspector what an anonymous visitor does not. The
way to enrolment is: allauth's pages under ``/accounts/`` (login, logout, the MFA pages,
reauthentication, password, sessions), the profile and ``/me/security/``, the language
switch, ``/healthz`` and static files. Every path of ``/admin/`` is a role page, the admin's
login and its JavaScript catalogue included: an official without MFA cannot reach the admin
by any URL. The API answers such a session 403 (JSON) rather than a redirect; an htmx request
gets ``HX-Redirect``.

Cost: a login's session remembers "enrolled" (accounts.security.receivers, at login and at
enrolment), so an enrolled official's request makes no query for this rule; ``roles_of``
is the request's cached one, which the navigation reads anyway. A reset or a removed
authenticator forgets the mark (accounts.security.services).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.permissions import roles_of
from accounts.security.rules import mfa_required
from accounts.security.services import has_second_factor
from accounts.security.session_keys import LAST_SEEN, MFA_ENROLLED

# How stale the stored activity time may get before a request writes it again.
ACTIVITY_WRITE_SECONDS = 60


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # htmx would swap the target page into a fragment of this one; it navigates instead
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class OfficialIdleTimeout:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and mfa_required(roles_of(user)):
            now = int(timezone.now().timestamp())
            seen = request.session.get(LAST_SEEN)
            idle = settings.OFFICIAL_SESSION_IDLE_SECONDS
            if isinstance(seen, int) and now - seen > idle:
                return self._log_out(request, idle)
            if not isinstance(seen, int) or now - seen >= ACTIVITY_WRITE_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    def _log_out(self, request: HttpRequest, idle: int) -> HttpResponse:
        logout(request)
        minutes = max(1, idle // 60)
        messages.info(
            request,
            ngettext(
                "You were logged out after %(minutes)d minute without activity. "
                "Please log in again.",
                "You were logged out after %(minutes)d minutes without activity. "
                "Please log in again.",
                minutes,
            )
            % {"minutes": minutes},
        )
        if _is_api(request):
            return self.get_response(request)  # as the anonymous visitor it now is
        login = reverse(settings.LOGIN_URL)
        if request.method == "GET":
            login = f"{login}?{urlencode({'next': request.get_full_path()})}"
        return _redirect(request, login)


class MfaEnrolmentRequired:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def exempt(self) -> tuple[str, ...]:
        """Path prefixes on the way to enrolment (resolved once, after the URLconf loads)."""
        allauth = reverse("account_login").rstrip("/").rsplit("/", 1)[0] + "/"  # /accounts/
        return (
            allauth,
            reverse("accounts:profile"),
            reverse("accounts:profile").replace("profile/", "security/"),
            reverse("set_language"),
            reverse("healthz"),
            settings.STATIC_URL or "/static/",
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            not user.is_authenticated
            or request.session.get(MFA_ENROLLED)
            or request.path_info.startswith(self.exempt)
            or not mfa_required(roles_of(user))
        ):
            return self.get_response(request)
        if has_second_factor(user):
            request.session[MFA_ENROLLED] = True
            return self.get_response(request)
        text = gettext(
            "Your role requires two-factor authentication. Set up an authenticator app "
            "to continue: scan the code below, or type the secret into the app."
        )
        if _is_api(request):
            return JsonResponse({"detail": text}, status=403)
        messages.warning(request, text)
        return _redirect(request, reverse("mfa_activate_totp"))
