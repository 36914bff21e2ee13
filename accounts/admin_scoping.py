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
