"""The site's URLs plus ``/bench/bare/``: the floor of the pages benchmark, a view that
answers "ok" through the same middleware as every page (bench/pages.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("mening_uyim.urls"))]

handler400 = "mening_uyim.views.bad_request"
handler404 = "mening_uyim.views.not_found"
handler500 = "mening_uyim.views.server_error"
