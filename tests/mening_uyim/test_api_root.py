"""``GET /api/v1/`` lists the API's endpoints, to anyone, with the schema's address."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_every_endpoint(client: Client) -> None:
    response = client.get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    paths = {e["path"] for e in body["endpoints"]}
    assert {"/api/v1/lots/", "/api/v1/lots/{pk}/", "/api/v1/tickets/", "/api/v1/"} <= paths
    assert "/api/v1/payments/payme/" in paths
    assert body["schema"] == "http://testserver/api/schema/"
    assert body["docs"] == "http://testserver/api/docs/"


def test_every_listed_endpoint_is_routed(client: Client) -> None:
    from django.urls import resolve

    for endpoint in client.get("/api/v1/").json()["endpoints"]:
        path = endpoint["path"].replace("{pk}", "1").replace("{period}", "2026-01")
        assert resolve(path).url_name == endpoint["name"], endpoint
