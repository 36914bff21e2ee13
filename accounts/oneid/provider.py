"""OneID as a django-allauth provider (allauth finds ``provider_classes`` here).

The uid is the citizen's PINFL. The app (client id and secret) comes from the settings
ONEID_CLIENT_ID / ONEID_CLIENT_SECRET through accounts.oneid.adapter, not from a
SocialApp row.
"""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from django.conf import settings

from accounts.oneid.identity import full_name, kept_fields
from accounts.oneid.views import PROVIDER_ID, OneIdOAuth2Adapter


class OneIdAccount(ProviderAccount):
    def to_str(self) -> str:
        return full_name(self.account.extra_data) or super().to_str()


class OneIdProvider(OAuth2Provider):
    id = PROVIDER_ID
    name = "OneID"
    account_class = OneIdAccount
    oauth2_adapter_class = OneIdOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        # OneID's scope is the one registered for the client: by default its id
        return [settings.ONEID_SCOPE or self.app.client_id]

    def extract_uid(self, data: dict[str, Any]) -> str:
        return str(data["pin"])

    def extract_extra_data(self, data: dict[str, Any]) -> dict[str, Any]:
        return kept_fields(data)

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        # Nothing of OneID's answer fills the login: no email, and the phone is set
        # (only when free) by accounts.oneid.services, never by allauth.
        return {}


provider_classes = [OneIdProvider]
