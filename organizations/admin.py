from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.permissions import roles_of
from organizations.eligibility import failing_requirements
from organizations.models import ManagementCompany, RegisterStatus, Removal
from organizations.policies import may_verify
from organizations.services import MSG_VERIFY_INSPECTORS, RegisterError, mc_verify


class RemovalInline(admin.TabularInline):
    model = Removal
    extra = 0
    can_delete = False
    readonly_fields = ["reason", "removed_on", "inspector", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # removals go through the "remove from the register" action


@admin.register(ManagementCompany)
class ManagementCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "tin", "status", "eligible", "own_funds_tiyin", "dispatch_phone"]
    list_filter = ["status", "has_material_base", "dispatch_24h"]
    search_fields = ["name", "=tin"]
    readonly_fields = ["status", "applied_at", "verified_at", "verified_by"]
    inlines = [RemovalInline]
    actions = ["verify", "reject"]

    @admin.display(boolean=True, description=_("eligible"))
    def eligible(self, obj: ManagementCompany) -> bool:
        return not failing_requirements(obj)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[ManagementCompany], accept: bool
    ) -> None:
        if not may_verify(roles_of(request.user)):
            self.message_user(request, str(MSG_VERIFY_INSPECTORS), messages.ERROR)
            return
        for mc in queryset.filter(status=RegisterStatus.APPLIED):
            try:
                mc = mc_verify(mc=mc, inspector=request.user, accept=accept)  # type: ignore[arg-type]
            except RegisterError as exc:
                self.message_user(request, f"{mc}: {exc.message}", messages.ERROR)
            else:
                failing = ", ".join(r.label for r in failing_requirements(mc))
                note = _(" (not eligible: %(failing)s)") % {"failing": failing} if failing else ""
                self.message_user(request, f"{mc}: {mc.get_status_display()}{note}", messages.INFO)

    @admin.action(description=_("Verify the selected applications (register)"))
    def verify(self, request: HttpRequest, queryset: QuerySet[ManagementCompany]) -> None:
        self._decide(request, queryset, accept=True)

    @admin.action(description=_("Reject the selected applications"))
    def reject(self, request: HttpRequest, queryset: QuerySet[ManagementCompany]) -> None:
        self._decide(request, queryset, accept=False)
