"""API pieces every app shares."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    """DRF's handler, with every 404 saying DRF's translated "Not found.".

    DRF hands on an ``Http404``'s own text, and ``get_object_or_404`` writes it in English
    and names the model ("No Building matches the given query."): untranslated, and it
    tells an outsider what kind of row an id was not."""
    if isinstance(exc, Http404):
        exc = NotFound()
    return drf_exception_handler(exc, context)


class ErrorOut(serializers.Serializer[Any]):
    """A refused API request, as the API answers it: a service's refusal is
    ``{"detail": "<why, translated>"}``; a refused input names each field instead,
    ``{"<field>": ["<message>", …]}`` (DRF's validation errors). ``detail`` is therefore
    not required: the schema must describe both (schemathesis checks every 400 against it)."""

    detail = serializers.CharField(
        required=False,
        help_text="why the request was refused (translated); absent when the fields are named",
    )


_REFUSAL = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "string",
            "description": "why the request was refused (translated); absent when the "
            "fields are named",
        }
    },
    "description": "a refusal: {detail} or {field: [messages]}",
}
_WHY = {
    "400": "the input was refused (a field, a parameter or a rule of the service)",
    "401": "no login: the API answers 401 with WWW-Authenticate",
    "403": "logged in, but this role may not (or the CSRF token is missing)",
    "404": "no such object, or not one this login may see (outsiders get 404)",
}


def document_refusals(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation documents the refusals any
    endpoint of this API can give, in the shape it gives them (``ErrorOut``): 400 where
    the operation takes parameters or a body, 401 wherever a login or a token is accepted
    (a wrong token is refused even where none is needed), 403 and 404
    everywhere (scoping answers 404; the API's 404 for an unknown path is JSON too, see
    ``mening_uyim.views``). An operation's own description of one of these is kept."""
    for item in result.get("paths", {}).values():
        shared_params = bool(item.get("parameters"))
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = ["403", "404"]
            if shared_params or operation.get("parameters") or operation.get("requestBody"):
                codes.append("400")
            if any(entry != {} for entry in operation.get("security", [])):
                codes.append("401")
            for code in sorted(codes):
                responses.setdefault(
                    code,
                    {
                        "description": _WHY[code],
                        "content": {"application/json": {"schema": _REFUSAL}},
                    },
                )
    return result
