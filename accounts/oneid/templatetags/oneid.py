"""``{% oneid_enabled as on %}``: whether the OneID button is offered (read per request,
so that the settings decide, in tests too)."""

from __future__ import annotations

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
