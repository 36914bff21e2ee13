"""Admin behaviour shared by every scoped console page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest


class NotFoundOutsideScope(admin.ModelAdmin):
    """Django redirects to the index for a missing object; a row outside the user's scope
    does not exist for them, and the answer is a plain 404 (no hint that it exists)."""

    def _get_obj_does_not_exist_redirect(
        self, request: HttpRequest, opts: Any, object_id: str
    ) -> Any:
        raise Http404


class ReadOnly:
    """Nothing is added, changed or deleted through the console, by anyone: the rows are
    written by services that check their rules (or are append-only). No bulk action is
    offered, not even Django's "delete selected"; a POST is refused (403)."""

    actions: Any = None

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
