"""Dispatch in the inspection console: tickets (with their history), escalations and
appeals, region by region (a row of another region is 404 even by direct link).

Read-only for everyone, the administrator included: a ticket changes only through
dispatch.services (its steps re-check who acts and its status), and an appeal is
answered on its page (/dispatch/appeals/<id>/), which calls ``appeal_answer``; the
console links there."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import ReadOnly
from buildings.admin import RegionScopedAdmin
from dispatch.models import Appeal, Escalation, Ticket, TicketEvent


class TicketEventInline(ReadOnly, admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "kind", "by", "note")


@admin.register(Ticket)
class TicketAdmin(ReadOnly, RegionScopedAdmin):
    region_path = "building__region_id"
    list_display = ("__str__", "created_at", "building", "company", "category", "urgency", "status")
    list_filter = ("status", "urgency", "category", "needs_review")
    search_fields = ("=id", "building__address", "=company__tin")
    list_select_related = ("building", "company")
    fields = readonly_fields = (
        "building",
        "apartment",
        "company",
        "lot",
        "text",
        "channel",
        "created_at",
        "category",
        "urgency",
        "confidence",
        "needs_review",
        "triage_rule",
        "status",
        "technician",
        "response_due_at",
        "responded_at",
        "resolution_due_at",
        "resolved_at",
        "closed_at",
        "incident",
        "rating",
    )
    inlines = (TicketEventInline,)


@admin.register(Escalation)
class EscalationAdmin(ReadOnly, RegionScopedAdmin):
    region_path = "ticket__building__region_id"
    list_display = ("ticket", "kind", "due_at", "escalated_at")
    list_filter = ("kind",)
    list_select_related = ("ticket",)
    fields = readonly_fields = ("ticket", "kind", "due_at", "escalated_at")


@admin.register(Appeal)
class AppealAdmin(ReadOnly, RegionScopedAdmin):
    list_display = ("__str__", "created_at", "building", "company", "due_at", "answered_at")
    list_filter = ("answered_at",)
    list_select_related = ("building", "company")
    fields = readonly_fields = (
        "building",
        "company",
        "ticket",
        "text",
        "created_at",
        "due_at",
        "answer",
        "answered_by",
        "answered_at",
        "answer_page",
    )

    @admin.display(description=_("answer"))
    def answer_page(self, obj: Appeal) -> str:
        url = reverse("dispatch:appeal", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("open the appeal's page"))
