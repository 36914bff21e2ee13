"""Dispatch's beat tasks: thin, each calls a service."""

from __future__ import annotations

from celery import shared_task

from dispatch.services import escalate_breaches, scorecards_write
from organizations.models import ManagementCompany


@shared_task(name="dispatch.tasks.escalate_breaches")
def escalate_breaches_task() -> int:
    """Every 5 minutes: breached deadlines escalated to the inspectors, once each."""
    return escalate_breaches()["escalated"]


@shared_task(name="dispatch.tasks.scorecards")
def scorecards_task() -> int:
    """Hourly: every company's dispatch figures (a breach changes them with no event)."""
    ids = list(ManagementCompany.objects.order_by("pk").values_list("pk", flat=True))
    return scorecards_write(company_ids=ids)
