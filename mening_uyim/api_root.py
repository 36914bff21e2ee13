"""``GET /api/v1/``: the API's root, listing its endpoints (issue 14, point 8)."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


class EndpointOut(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="the route's name, as in the OpenAPI schema")
    path = serializers.CharField(help_text="the path, parameters in braces: /api/v1/lots/{pk}/")


class ApiRootOut(serializers.Serializer[Any]):
    endpoints = EndpointOut(many=True)
    schema = serializers.CharField(help_text="the OpenAPI schema")
    docs = serializers.CharField(help_text="the schema, readable (Swagger UI)")


def endpoints() -> list[dict[str, str]]:
    """Every named route of /api/v1/, in the URLconf's order."""
    from mening_uyim.urls import api_v1  # the URLconf imports this module

    return [
        {"name": p.name, "path": "/api/v1/" + _PARAM.sub(r"{\1}", str(p.pattern))}
        for p in api_v1
        if p.name
    ]


class ApiRoot(APIView):
    """The endpoints of the API, the schema and its documentation; open to anyone (each
    endpoint checks its own access)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=ApiRootOut)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "endpoints": endpoints(),
                "schema": request.build_absolute_uri("/api/schema/"),
                "docs": request.build_absolute_uri("/api/docs/"),
            }
        )
