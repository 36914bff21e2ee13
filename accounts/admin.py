from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Person, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "phone", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "phone"]
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "phone", "password1", "password2")}),
    )


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "pinfl", "phone", "user"]
    search_fields = ["full_name", "pinfl", "phone"]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "role",
        "organization",
        "district",
        "region",
        "granted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["user__email", "user__phone"]
    raw_id_fields = ["user"]
