"""``{% oneid_enabled as on %}``: whether the OneID button is offered (read per request,
so that the settings decide, in tests too)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from accounts.oneid.client import oneid_configured

register = template.Library()


@register.simple_tag
def oneid_enabled() -> bool:
    return oneid_configured()


@register.simple_tag
def oneid_fake() -> bool:
    return bool(getattr(settings, "ONEID_FAKE", False))


@register.simple_tag
def oneid_of(user: Any) -> dict[str, str] | None:
    """What OneID said of ``user`` (name, phone, PINFL), if a OneID account is connected."""
    from allauth.socialaccount.models import SocialAccount

    from accounts.oneid.identity import oneid_details

    if not getattr(user, "is_authenticated", False):
        return None
    account = SocialAccount.objects.filter(user=user, provider="oneid").first()
    return oneid_details(account.extra_data) if account else None
