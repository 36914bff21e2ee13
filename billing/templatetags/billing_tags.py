"""Billing in templates: ``{{ tiyin|neg }}`` and the link to a lot's tariffs, shown only to
those who may set them (billing.policies.tariff_q), for the lot page of the lots app."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from accounts.permissions import roles_of
from billing import policies

register = template.Library()


@register.filter
def neg(tiyin: int | None) -> int | None:
    return None if tiyin is None else -int(tiyin)


@register.simple_tag(takes_context=True)
def tariffs_url(context: dict[str, Any], lot: Any) -> str:
    """The lot's tariff page for a login that may set its tariff; "" for anyone else."""
    request = context.get("request")
    roles = roles_of(getattr(request, "user", None))
    if lot is None or not (roles.is_council_member or roles.inspector):
        return ""  # tariff_q holds nothing for them: no query
    if not policies.may_set_tariff(roles, lot):
        return ""
    return reverse("billing:tariffs", args=[lot.pk])


@register.simple_tag
def tariff_now(lot: Any) -> Any:
    """The lot's tariff in force this month (Asia/Tashkent), or None: one query."""
    from django.utils import timezone

    from billing.accrual import tariff_in_force
    from core.periods import month_start

    if lot is None or lot.pk is None:
        return None
    return tariff_in_force(lot.pk, month_start(timezone.localdate()))


@register.filter
def revenue_kind(value: str) -> str:
    """The label of a kind of additional revenue."""
    from billing.models import RevenueKind

    return str(dict(RevenueKind.choices).get(value, value))


@register.simple_tag(takes_context=True)
def lot_reports(context: dict[str, Any], lot: Any) -> list[Any]:
    """The lot's submitted quarterly reports the login reads (the latest version of each
    quarter, newest first) for the lot page; [] without a login: one query."""
    from billing.report_selectors import published_reports

    request = context.get("request")
    user = getattr(request, "user", None)
    if lot is None or user is None or not user.is_authenticated:
        return []
    return published_reports(user, lot)


@register.simple_tag
def quarter_slug(quarter: Any) -> str:
    from billing.report_selectors import quarter_slug as slug

    return slug(quarter)


@register.filter
def quarter_name(quarter: Any) -> str:
    """ "quarter 4 of 2026", in the reader's language."""
    from billing.reports import quarter_text

    return quarter_text(quarter)
