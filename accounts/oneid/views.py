"""OneID's sign-in views (allauth's OAuth2 login and callback, with OneID's adapter) and
the page for a citizen the registry does not know yet."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from allauth.socialaccount.models import SocialAccount, SocialLogin, SocialToken
from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import User
from accounts.oneid.client import OneIdClient, endpoint_url, oneid_configured
from accounts.oneid.identity import identity_check, oneid_details

PROVIDER_ID = "oneid"


class OneIdRefusal(ProviderException):
    """OneID answered, but with an identity we cannot sign in; ``message`` is for the
    citizen (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OneIdOAuth2Adapter(OAuth2Adapter):
    provider_id = PROVIDER_ID
    client_class = OneIdClient
    login_cancelled_error = "access_denied"  # OAuth2's error when the citizen declines
    access_token_url = ""  # per request: see get_client (the base URL may be this site)

    @property
    def authorize_url(self) -> str:
        return endpoint_url(self.request)

    def get_client(self, request: HttpRequest, app: Any) -> OneIdClient:
        client = cast(OneIdClient, super().get_client(request, app))
        client.access_token_url = endpoint_url(request)
        return client

    def complete_login(
        self, request: HttpRequest, app: Any, token: SocialToken, **kwargs: Any
    ) -> SocialLogin:
        client = self.get_client(request, app)
        provider = self.get_provider()
        scope = " ".join(provider.get_scope())
        data = client.identify(token.token, scope)
        problem = identity_check(data)
        if problem:
            raise OneIdRefusal(problem)
        return provider.sociallogin_from_response(request, data)


def _when_configured(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Without a client id and secret there is no OneID: 404, not allauth's missing app."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oneid_configured():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


oauth2_login = _when_configured(OAuth2LoginView.adapter_view(OneIdOAuth2Adapter))
oauth2_callback = _when_configured(OAuth2CallbackView.adapter_view(OneIdOAuth2Adapter))


@login_required
@require_GET
def unmatched(request: HttpRequest) -> HttpResponse:
    """What a citizen signed in by OneID does when no ownership of theirs is in the
    registry: the district housing inspection registers it. Shows what OneID said of
    them, next to what the registry holds (nothing of it is copied over)."""
    user = cast(User, request.user)
    account = SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).first()
    person = getattr(user, "person", None)
    context = {
        "oneid": oneid_details(account.extra_data) if account else None,
        "person": person,
    }
    return render(request, "oneid/unmatched.html", context)
