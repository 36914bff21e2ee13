"""System pages: the home page (a section per role) and the health probe."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import roles_of
from buildings.owner_pages import owner_page
from mening_uyim import homes
from mening_uyim.health import health_report


@owner_page("home")
def home(request: HttpRequest) -> HttpResponse:
    """One page, a section per role the visitor holds, each that role's work
    (mening_uyim.homes); the public landing for anonymous."""
    roles = roles_of(request.user)
    user = request.user
    context = {
        "roles": roles,
        "owner": homes.owner_home(user) if roles.is_owner else None,
        "company": homes.company_home(user) if roles.managing_organization_id else None,
        "council": homes.council_home(user) if roles.is_council_member else None,
        "inspection": homes.inspector_home(user, roles=roles)
        if roles.inspector or roles.superuser
        else None,
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    code, body = health_report()
    return JsonResponse(body, status=code)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: on the API, JSON in the shape of every API refusal (``core.api.ErrorOut``), so
    a path the URLconf does not match (``/api/v1/lots/١٢/``: Unicode digits are no id)
    answers as a scoped-out object does; elsewhere Django's page."""
    if _is_api(request):
        return JsonResponse({"detail": str(_("Not found."))}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400: on the API, JSON (the schema's shape); elsewhere the site's page."""
    if _is_api(request):
        message = _(
            "The request could not be understood. Check the address or the form and try again."
        )
        return JsonResponse({"detail": str(message)}, status=400)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest) -> HttpResponse:
    """500: on the API, JSON (the schema's shape); elsewhere Django's page."""
    if _is_api(request):
        return JsonResponse({"detail": str(_("A server error occurred."))}, status=500)
    return defaults.server_error(request)
