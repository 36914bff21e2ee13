from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_permissions import permissions_formfield
from accounts.admin_scoping import NotFoundOutsideScope
from accounts.models import LoginLink, Membership, MfaReset, Person, User
from accounts.permissions import roles_of
from accounts.policies import may_link_login, person_scope_q
from accounts.security.rules import may_reset_mfa
from accounts.security.services import SecurityError, mfa_reset
from accounts.services import AccountsError, person_login_link


class MfaResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the phone with the authenticator app was lost."),
    )


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
        (_("Two-factor authentication"), {"fields": ("second_factors",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["second_factors"]
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "phone", "password1", "password2")}),
    )

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return permissions_formfield(db_field, field)

    @admin.display(description=_("second factors"))
    def second_factors(self, obj: User) -> str:
        labels = dict(Authenticator.Type.choices)
        types = sorted(
            set(Authenticator.objects.filter(user_id=obj.pk).values_list("type", flat=True))
        )
        if not types:
            return str(_("none"))
        text = ", ".join(str(labels.get(t, t)) for t in types)
        url = reverse("admin:accounts_user_mfa_reset", args=[obj.pk])
        return format_html('{} · <a href="{}">{}</a>', text, url, _("Reset"))

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.mfa_reset_view)
        return [
            path("<id:object_id>/mfa-reset/", view, name="accounts_user_mfa_reset"),
            *super().get_urls(),
        ]

    def mfa_reset_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Reset a login's second factors (a lost device), through ``mfa_reset``: a
        reason is required, only administrators may (accounts.security.rules)."""
        if not may_reset_mfa(roles_of(request.user)):
            raise Http404
        user = User.objects.filter(pk=object_id).first()
        if user is None:
            raise Http404
        form = MfaResetForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                mfa_reset(user=user, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
            except SecurityError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request, _("Two-factor authentication was reset."), messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        types = Authenticator.objects.filter(user_id=user.pk).values_list("type", flat=True)
        labels = dict(Authenticator.Type.choices)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reset two-factor authentication"),
            "opts": self.model._meta,
            "original": user,
            "form": form,
            "factors": sorted({str(labels.get(t, t)) for t in types}),
        }
        return TemplateResponse(request, "accounts/security/admin_mfa_reset.html", context)


@admin.register(MfaReset)
class MfaResetAdmin(admin.ModelAdmin):
    """The record of MFA resets: read-only; made by the User admin's reset page."""

    list_display = ["user", "by", "removed", "at"]
    readonly_fields = ["user", "by", "reason", "removed", "at"]
    search_fields = ["user__email", "user__phone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
