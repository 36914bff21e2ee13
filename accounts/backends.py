"""The sign-in backends: Django's and allauth's, whose login of a session is read from the
shared cache with its roles (accounts.permissions.login_cached); and model permissions
derived from roles, so that no group has to be kept in sync."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from accounts.permissions import INSPECTOR_MODEL_PERMISSIONS, login_cached, roles_of


class ModelBackend(DjangoModelBackend):
    """Django's username (e-mail) and password backend; a session's login from the cache."""

    def get_user(self, user_id: Any) -> Any:
        return login_cached(user_id, super().get_user)


class AuthenticationBackend(AllauthBackend):
    """allauth's backend (e-mail or phone and password); a session's login from the cache."""

    def get_user(self, user_id: Any) -> Any:
        return login_cached(user_id, super().get_user)


class RolePermissionBackend(BaseBackend):
    """Grants inspectors the admin permissions listed in accounts.permissions."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or obj is not None:
            return set()
        if roles_of(user_obj).inspector:
            return set(INSPECTOR_MODEL_PERMISSIONS)
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions(user_obj))
