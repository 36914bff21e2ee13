"""Model permissions derived from roles, so that no group has to be kept in sync."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from accounts.permissions import INSPECTOR_MODEL_PERMISSIONS, roles_of


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
