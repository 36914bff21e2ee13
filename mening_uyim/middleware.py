"""Language selection: Uzbek unless the visitor chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show a
Russian- or English-configured browser a non-Uzbek site on first visit. Mening Uyim is a
state service whose default is the state language (DOMAIN.md "Languages"), so pages use the
language cookie set by the switcher, and Uzbek otherwise. The API, whose clients have no
cookie, also honours Accept-Language, so integrations get errors in their language.
An unknown code anywhere falls back to Uzbek.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        is_api = request.path_info.startswith("/api/")
        if language is None and is_api:
            language = _supported(translation.get_language_from_request(request))
        language = language or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language") if is_api else ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
