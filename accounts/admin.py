from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin_permissions import permissions_formfield
from accounts.admin_scoping import NotFoundOutsideScope
from accounts.models import LoginLink, Membership, Person, User
from accounts.permissions import roles_of
from accounts.policies import may_link_login, person_scope_q
from accounts.services import AccountsError, person_login_link


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

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return permissions_formfield(db_field, field)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Django's, with the permissions named in the console's language."""

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return permissions_formfield(db_field, field)


class PersonForm(forms.ModelForm):
    link_reason = forms.CharField(
        label=_("Reason for changing the login"), required=False, widget=forms.Textarea
    )

    class Meta:
        model = Person
        fields = ["pinfl", "full_name", "phone", "user"]


@admin.register(Person)
class PersonAdmin(NotFoundOutsideScope):
    """People are personal data: a regional inspector sees those owning in their region
    (accounts.policies.person_scope_q). Linking a login is an administrator's act and goes
    through ``person_login_link``, which records it."""

    form = PersonForm
    list_display = ["full_name", "pinfl", "phone", "user"]
    search_fields = ["full_name", "=pinfl", "phone"]
    raw_id_fields = ["user"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        roles = roles_of(request.user)
        return super().get_queryset(request).filter(person_scope_q(roles, request.user.pk))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if may_link_login(roles_of(request.user)):
            return []
        return ["user"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["pinfl", "full_name", "phone", "user"]
        if may_link_login(roles_of(request.user)) and obj is not None:
            fields.append("link_reason")
        return fields

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        if not change:
            wanted = obj.user
            obj.user = None
            super().save_model(request, obj, form, change)
            if wanted is not None:
                person_login_link(person=obj, user=wanted, by=request.user)  # type: ignore[arg-type]
            return
        if "user" in form.changed_data:
            wanted = obj.user
            obj.user = Person.objects.get(pk=obj.pk).user  # the link goes through the service
            super().save_model(request, obj, form, change)
            try:
                person_login_link(
                    person=obj,
                    user=wanted,
                    by=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data.get("link_reason", ""),
                )
            except AccountsError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            return
        super().save_model(request, obj, form, change)


@admin.register(LoginLink)
class LoginLinkAdmin(admin.ModelAdmin):
    """The record of login links: read-only, for administrators."""

    list_display = ["person", "previous_user", "user", "by", "at"]
    readonly_fields = ["person", "previous_user", "user", "by", "reason", "at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
