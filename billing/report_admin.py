"""Quarterly reports and suspensions in the inspection console (issue 11: "Inspectors see
every suspension in the admin (lot, quarter, from, lifted on), scoped to their region").

Read-only for everyone, the administrator included (billing.admin ``ReadOnly``): a report
is filed and submitted through billing.reports, and a submitted one is frozen; a
suspension is made by the suspension job and lifted by filing the report. Region by
region: a regional inspector sees the lots of their region, and a row of another region
is 404 even by direct link.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from billing.admin import ReadOnly, ReadOnlyRegionAdmin
from billing.models import QuarterlyReport, ReportExpense, ReportWork, SuspendedMonth, Suspension
from billing.reports import quarter_text


class ReportExpenseInline(ReadOnly, admin.TabularInline):
    model = ReportExpense
    extra = 0
    can_delete = False
    fields = readonly_fields = ("category", "amount_tiyin")


class ReportWorkInline(ReadOnly, admin.TabularInline):
    model = ReportWork
    extra = 0
    can_delete = False
    fields = readonly_fields = ("description", "item", "unplanned", "status", "cost_tiyin")


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(ReadOnlyRegionAdmin):
    region_path = "lot__region_id"
    list_display = ("lot", "quarter_name", "version", "status", "submitted_at", "pdf")
    list_filter = ("status", "quarter")
    search_fields = ("=lot__code",)
    list_select_related = ("lot",)
    fields = readonly_fields = (
        "lot",
        "quarter_name",
        "version",
        "status",
        "supersedes",
        "created_by",
        "created_at",
        "submitted_by",
        "submitted_at",
        "income",
        "pdf",
    )
    inlines = (ReportExpenseInline, ReportWorkInline)

    @admin.display(description=_("quarter"), ordering="quarter")
    def quarter_name(self, obj: QuarterlyReport) -> str:
        return quarter_text(obj.quarter)

    @admin.display(description=_("PDF"))
    def pdf(self, obj: QuarterlyReport) -> str:
        if obj.status != "submitted":
            return "—"
        url = reverse("billing:report_pdf", args=[obj.pk])
        return format_html('<a href="{}?lang=uz">uz</a> · <a href="{}?lang=ru">ru</a>', url, url)


class SuspendedMonthInline(ReadOnly, admin.TabularInline):
    model = SuspendedMonth
    extra = 0
    can_delete = False
    fields = readonly_fields = ("period", "recorded_at")


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyRegionAdmin):
    """A lot's suspension of accruals: for the quarter whose report was missing, from the
    first month after it, and when filing the report lifted it (the months skipped in
    between are listed and are never charged)."""

    region_path = "lot__region_id"
    list_display = ("lot", "quarter_name", "starts_on", "ends_on", "lifted_at", "skipped")
    list_filter = ("report_quarter", "starts_on")
    search_fields = ("=lot__code",)
    list_select_related = ("lot",)
    fields = readonly_fields = (
        "lot",
        "quarter_name",
        "starts_on",
        "ends_on",
        "lifted_at",
        "reason",
        "created_at",
    )
    inlines = (SuspendedMonthInline,)

    @admin.display(description=_("quarter"), ordering="report_quarter")
    def quarter_name(self, obj: Suspension) -> str:
        return quarter_text(obj.report_quarter) if obj.report_quarter else "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).annotate(months_skipped=Count("months"))

    @admin.display(description=_("months skipped"), ordering="months_skipped")
    def skipped(self, obj: Any) -> int:
        return int(obj.months_skipped)
