"""System pages: the health probe."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mening_uyim.health import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    code, body = health_report()
    return JsonResponse(body, status=code)
