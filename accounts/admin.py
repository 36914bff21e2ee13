from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import NotFoundOutsideScope
from accounts.models import Membership, Person, User
from accounts.permissions import roles_of


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
class PersonAdmin(NotFoundOutsideScope):
    """People are personal data: a regional inspector sees those owning in their region."""

    list_display = ["full_name", "pinfl", "phone", "user"]
    search_fields = ["full_name", "=pinfl", "phone"]
    raw_id_fields = ["user"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        qs = super().get_queryset(request)
        roles = roles_of(request.user)
        if roles.superuser or roles.is_national_inspector:
            return qs
        if roles.inspector and roles.inspector_region_id is not None:
            # the ownership relation belongs to the registry app; its name is enough here
            owning = Person.objects.filter(
                ownerships__apartment__building__region_id=roles.inspector_region_id
            ).values("pk")
            owners = Person.objects.filter(ownerships__isnull=False).values("pk")
            return qs.filter(Q(pk__in=owning) | ~Q(pk__in=owners))
        return qs.none()


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
