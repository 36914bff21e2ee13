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
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
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


_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class NulCharacterRefused(SuspiciousOperation):
    """A parameter or form field holding U+0000."""


class RefuseNulCharacters:
    """A NUL character in a query parameter or a form field is refused with 400 before any
    view runs (issue 13: form fuzzing). PostgreSQL cannot store it in a text column, so a
    view that reads a raw POST value (a ticket comment, a meeting comment) would end in a
    500; Django's form fields already refuse it, this covers every other path at once.
    The payment providers' endpoints answer in their own protocols and are left to them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/v1/payments/"):
            for params in (request.GET, *self._form(request)):
                for key, values in params.lists():
                    if any("\x00" in v for v in (key, *values)):
                        raise NulCharacterRefused("a NUL character in a parameter")
        return self.get_response(request)

    @staticmethod
    def _form(request: HttpRequest) -> tuple[Any, ...]:
        """The form fields of a form POST; nothing for other bodies (JSON goes through
        DRF's fields, which refuse NUL) or for a body that does not parse (the view
        answers that one with its own 400)."""
        kind = request.content_type or ""
        if request.method != "POST" or kind not in _FORM_TYPES:
            return ()
        try:
            return (request.POST,)
        except MultiPartParserError:
            return ()
