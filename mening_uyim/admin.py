from __future__ import annotations

from django.contrib import admin

from mening_uyim.models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_beat_at", "beats"]
    readonly_fields = ["name", "last_beat_at", "beats"]
