from __future__ import annotations

from django.contrib import admin

from buildings.models import District, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ru", "code"]
    search_fields = ["name", "name_ru"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "name_ru"]
