"""The socialaccount adapter: OneID's app from the settings, its matching rule, its
auto sign-up (password sign-up stays closed: accounts.adapters.AccountAdapter), and its
errors as clear pages."""

from __future__ import annotations

import logging
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from requests import RequestException

from accounts.models import Person, User
from accounts.oneid import services
from accounts.oneid.client import oneid_configured
from accounts.oneid.identity import full_name, phone
from accounts.oneid.views import PROVIDER_ID, OneIdRefusal

logger = logging.getLogger(__name__)

MSG_STATE = gettext_lazy(
    "This sign-in could not be verified: it was not started from this browser, or it was "
    "already completed. Nothing was changed. Please start again from the login page."
)
MSG_CODE = gettext_lazy(
    "OneID did not accept the sign-in (its code had expired or had already been used). "
    "Nothing was changed. Please sign in with OneID again."
)
MSG_UNREACHABLE = gettext_lazy("OneID cannot be reached now. Please try again in a few minutes.")
MSG_ONEID_ERROR = gettext_lazy("OneID reported an error. Nothing was changed. Please try again.")


def _is_oneid(sociallogin: SocialLogin) -> bool:
    return getattr(sociallogin.provider, "id", None) == PROVIDER_ID


def differs_from_registry(person: Person, data: dict[str, Any]) -> bool:
    """Whether OneID's name (in any order of its words) or phone is not the registry's;
    what OneID leaves out is no difference."""
    said = full_name(data).casefold().split()
    if said and sorted(said) != sorted(person.full_name.casefold().split()):
        return True
    return bool(phone(data)) and phone(data) != person.phone


def error_page(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "oneid/error.html", {"message": message}, status=status)


class OneIdSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest, provider: Any = None, client_id: Any = None
    ) -> list[SocialApp]:
        """OneID's app is built from the settings on each call (no SocialApp row)."""
        apps = [
            app
            for app in super().list_apps(request, provider=provider, client_id=client_id)
            if app.provider != PROVIDER_ID
        ]
        wanted = provider in (None, PROVIDER_ID) and client_id in (None, settings.ONEID_CLIENT_ID)
        if wanted and oneid_configured():
            apps.append(
                SocialApp(
                    provider=PROVIDER_ID,
                    name="OneID",
                    client_id=settings.ONEID_CLIENT_ID,
                    secret=settings.ONEID_CLIENT_SECRET,
                )
            )
        return apps

    # OneID is the one way to a login that is not issued by an administrator: the state
    # has verified the PINFL. Every other sign-up stays closed.
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return _is_oneid(sociallogin)

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return _is_oneid(sociallogin)

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: Any) -> Any:
        return sociallogin.user  # nothing of OneID's answer goes on the login by allauth

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if not _is_oneid(sociallogin):
            return
        current = request.user if request.user.is_authenticated else None
        linked = sociallogin.user if sociallogin.is_existing else None
        try:
            match = services.oneid_match(
                pinfl=sociallogin.account.uid,
                linked=linked,
                current=current,
            )
            if match.user is not None:
                services.oneid_connect(
                    user=match.user, person=match.person, account=sociallogin.account
                )
                sociallogin.user = match.user
        except services.OneIdConflict as exc:
            raise ImmediateHttpResponse(error_page(request, exc.message, status=409)) from None
        data = sociallogin.account.extra_data
        if match.person is None:
            sociallogin.state["next"] = reverse("accounts:oneid-unmatched")
        elif differs_from_registry(match.person, data):
            messages.info(
                request,
                _(
                    "OneID gives your name as “%(name)s” and your phone as “%(phone)s”; "
                    "the registry keeps its own record. To correct the registry, contact "
                    "the district housing inspection."
                )
                % {"name": full_name(data) or "—", "phone": phone(data) or "—"},
            )

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        if not _is_oneid(sociallogin):
            return super().save_user(request, sociallogin, form)
        try:
            user: User = services.oneid_signup(
                account=sociallogin.account, oneid_phone=phone(sociallogin.account.extra_data)
            )
        except services.OneIdConflict as exc:
            raise ImmediateHttpResponse(error_page(request, exc.message, status=409)) from None
        sociallogin.user = user
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        if getattr(provider, "id", None) != PROVIDER_ID or error == AuthError.CANCELLED:
            return super().on_authentication_error(
                request, provider, error=error, exception=exception, extra_context=extra_context
            )
        extra = extra_context or {}
        if isinstance(exception, OneIdRefusal):
            message, status = exception.message, 400
        elif isinstance(exception, OAuth2Error):
            message, status = str(MSG_CODE), 400
        elif isinstance(exception, RequestException):
            message, status = str(MSG_UNREACHABLE), 502
        elif exception is None and extra.get("state") is None:
            message, status = str(MSG_STATE), 400  # a missing, forged or replayed state
        else:
            message, status = str(MSG_ONEID_ERROR), 400
        logger.warning(
            "OneID sign-in failed: %s (%s)",
            error,
            exception.__class__.__name__ if exception else "-",
        )
        raise ImmediateHttpResponse(error_page(request, message, status=status))
