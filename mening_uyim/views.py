"""System pages: the home page (a section per role) and the health probe."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import roles_of
from buildings.selectors import my_apartments
from mening_uyim.health import health_report


def home(request: HttpRequest) -> HttpResponse:
    """One page, a section per role the visitor holds; the public landing for anonymous."""
    roles = roles_of(request.user)
    apartments = my_apartments(request.user) if roles.is_owner else []
    return render(request, "home.html", {"roles": roles, "apartments": apartments})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    code, body = health_report()
    return JsonResponse(body, status=code)
