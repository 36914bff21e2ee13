"""OneID's OAuth2 variant, as the client speaks it (sso.egov.uz, "OneID integratsiya").

OneID keeps OAuth2's shape but renames its values, and serves every step from one
address, ``{ONEID_BASE_URL}/sso/oauth/Authorization.do``:

- the browser is sent there with ``response_type=one_code``, ``client_id``,
  ``redirect_uri``, ``scope`` and ``state``; it comes back with ``code`` and ``state``
  (or with OAuth2's ``error``/``error_description`` when the citizen declines);
- the code is exchanged by a POST of ``grant_type=one_authorization_code``,
  ``client_id``, ``client_secret``, ``code`` and ``redirect_uri``: the answer carries
  ``access_token`` (with ``token_type``, ``expires_in``, ``refresh_token``, ``scope``);
- the citizen is read by a POST of ``grant_type=one_access_token_identify``,
  ``client_id``, ``client_secret``, ``access_token`` and ``scope``: the answer carries
  ``pin`` (PINFL), ``user_id``, ``sur_name``, ``first_name``, ``mid_name``,
  ``full_name``, ``mob_phone_no``, ``valid`` and more.

A refusal is a JSON body with ``error`` and ``error_description``.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from django.conf import settings
from django.http import HttpRequest
from django.utils.http import urlencode

logger = logging.getLogger(__name__)

ENDPOINT_PATH = "/sso/oauth/Authorization.do"


def oneid_configured() -> bool:
    """OneID is offered only when its client id and secret are set."""
    return bool(settings.ONEID_CLIENT_ID and settings.ONEID_CLIENT_SECRET)


def endpoint_url(request: HttpRequest) -> str:
    """OneID's one address. A base URL that is a path (``/fake-oneid``, the embedded
    stand-in's default) is on this site, at the host the request came to."""
    base = settings.ONEID_BASE_URL.rstrip("/")
    if base.startswith("/"):
        base = request.build_absolute_uri(base)
    return base + ENDPOINT_PATH


class OneIdClient(OAuth2Client):
    """allauth's OAuth2 client with OneID's parameter values."""

    def get_redirect_url(
        self, authorization_url: str, scope: Any, extra_params: dict[str, Any]
    ) -> str:
        params = {
            "response_type": "one_code",
            "client_id": self.consumer_key,
            "redirect_uri": self.callback_url,
            "scope": self.scope_delimiter.join(scope),
            "state": self.state or "",
        }
        return f"{authorization_url}?{urlencode(params)}"

    def get_access_token(
        self, code: Any, pkce_code_verifier: Any = None, extra_data: Any = None
    ) -> dict[str, Any]:
        body = self._post(
            {
                "grant_type": "one_authorization_code",
                "client_id": self.consumer_key,
                "client_secret": self.consumer_secret,
                "code": code or "",
                "redirect_uri": self.callback_url,
            }
        )
        if not body.get("access_token"):
            raise OAuth2Error("OneID answered the code exchange without an access_token")
        return body

    def identify(self, access_token: str, scope: str) -> dict[str, Any]:
        return self._post(
            {
                "grant_type": "one_access_token_identify",
                "client_id": self.consumer_key,
                "client_secret": self.consumer_secret,
                "access_token": access_token,
                "scope": scope,
            }
        )

    def _post(self, data: dict[str, str]) -> dict[str, Any]:
        """POST ``data`` as a form; the JSON answer, or OAuth2Error (its text names
        OneID's error code, never the secret)."""
        with get_adapter().get_requests_session() as session:
            response = session.post(
                self.access_token_url, data=data, headers={"Accept": "application/json"}
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise OAuth2Error(f"OneID answered {response.status_code} without a JSON object")
        if response.status_code != 200 or body.get("error"):
            error = str(body.get("error") or "unknown")[:100]
            description = str(body.get("error_description") or "")[:200]
            logger.warning("OneID refused %s: %s %s", data.get("grant_type"), error, description)
            raise OAuth2Error(f"OneID refused {data.get('grant_type')}: {error}")
        return body
