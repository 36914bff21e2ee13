"""Lots in the inspection console, and the register's removal action (it reaches lots)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import roles_of
from buildings.admin import RegionScopedAdmin
from lots.errors import LotError
from lots.models import Lot, LotStatusChange, UnitCost
from lots.selectors import with_totals
from lots.services import MSG_REMOVE_NOT_ALLOWED, mc_remove_from_register
from organizations.admin import ManagementCompanyAdmin as BaseMCAdmin
from organizations.models import ManagementCompany
from organizations.services import RegisterError


class RemovalForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    removed_on = forms.DateField(label=_("Removed on"), initial=timezone.localdate)


admin.site.unregister(ManagementCompany)


@admin.register(ManagementCompany)
class ManagementCompanyAdmin(BaseMCAdmin):
    actions = [*BaseMCAdmin.actions, "remove_from_register"]

    @admin.action(description=_("Remove from the register (lots go to re-election)"))
    def remove_from_register(
        self, request: HttpRequest, queryset: QuerySet[ManagementCompany]
    ) -> HttpResponse | None:
        roles = roles_of(request.user)
        if not roles.superuser and not roles.inspector:
            self.message_user(request, str(MSG_REMOVE_NOT_ALLOWED), messages.ERROR)
            return None
        form = RemovalForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            for mc in queryset:
                try:
                    _removal, lots = mc_remove_from_register(
                        mc=mc,
                        reason=form.cleaned_data["reason"],
                        removed_on=form.cleaned_data["removed_on"],
                        inspector=request.user,  # type: ignore[arg-type]
                    )
                except (RegisterError, LotError) as exc:
                    self.message_user(request, f"{mc}: {exc.message}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("%(mc)s removed; %(n)s lot(s) go to re-election.")
                        % {"mc": mc, "n": len(lots)},
                        messages.SUCCESS,
                    )
            return None
        return render(
            request,
            "admin/organizations/remove_from_register.html",
            {"form": form, "companies": queryset, "title": _("Remove from the register")},
        )


class StatusChangeInline(admin.TabularInline):
    model = LotStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "comment", "at"]


@admin.register(Lot)
class LotAdmin(RegionScopedAdmin):
    """Lots are read here; every change goes through the council's pages and the services
    (lots.services), which check the rules. Nothing is edited in the admin."""

    list_display = ["code", "region", "status", "apartments", "manager"]
    list_filter = ["status", "region"]
    search_fields = ["code"]
    fields = readonly_fields = (
        "code",
        "region",
        "status",
        "manager",
        "tariff_tiyin_per_m2",
        "apartments",
        "area_m2",
        "approval_round",
        "approved_at",
    )
    inlines = [StatusChangeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lot]:
        return with_totals(super().get_queryset(request))

    @admin.display(description=_("apartments"))
    def apartments(self, obj: Lot) -> int:
        return int(getattr(obj, "apartments", 0))

    @admin.display(description=_("living area, m²"))
    def area_m2(self, obj: Lot) -> object:
        return getattr(obj, "area_m2", 0)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(UnitCost)
class UnitCostAdmin(admin.ModelAdmin):
    list_display = ["element", "work", "tiyin_per_m2"]
