"""allauth includes a provider's ``urls.py``: /accounts/oneid/login/ and its callback."""

from __future__ import annotations

from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from accounts.oneid.provider import OneIdProvider

urlpatterns = default_urlpatterns(OneIdProvider)
