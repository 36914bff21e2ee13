from __future__ import annotations

from django.contrib import admin

from organizations.models import ManagementCompany


@admin.register(ManagementCompany)
class ManagementCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "tin", "dispatch_phone"]
    search_fields = ["name", "tin"]
