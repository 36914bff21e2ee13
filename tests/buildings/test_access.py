"""Persona matrix: the registry's pages, the map, its admin and its API."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from buildings.models import Building
from mening_uyim.demo import DEMO_A, Cast
from tests.access import ALL, LOGIN, Case, check, snapshot

pytestmark = pytest.mark.django_db

ROUTES = {
    "buildings:my_apartments",
    "buildings:building_list",
    "buildings:building_detail",
    "buildings:district_options",
    "buildings:map",
    "buildings:map_points",
    "api:buildings",
    "api:building",
    "api:my-apartments",
    "api:assessments",
    "api:turar-joy-import",
}


def building_a(c: Cast) -> int:
    return Building.objects.get(cadastral_number=DEMO_A).pk


CONSOLE = {"default": 403, "anonymous": LOGIN, "inspector": 200, "other_inspector": 200}

CASES = [
    Case(
        "my apartments", lambda c: "/registry/my-apartments/", {"default": 200, "anonymous": LOGIN}
    ),
    Case("building page", lambda c: f"/registry/buildings/{building_a(c)}/", {"default": 200}),
    Case("building list", lambda c: "/registry/buildings/?region=UZ-TK", {"default": 200}),
    Case(
        "building list search",
        lambda c: "/registry/buildings/?q=Amir+Temur&region=UZ-TK",
        {"default": 200},
    ),
    Case("district options", lambda c: "/registry/districts/?region=UZ-TK", {"default": 200}),
    Case("district options, no region", lambda c: "/registry/districts/", {"default": 200}),
    Case("map", lambda c: "/registry/map/", {"default": 200}),
    Case("map points", lambda c: "/registry/map/points.json?region=UZ-TK", {"default": 200}),
    Case("admin buildings", lambda c: "/admin/buildings/building/", CONSOLE),
    Case(
        "admin building A",
        lambda c: f"/admin/buildings/building/{building_a(c)}/change/",
        {**CONSOLE, "other_inspector": 404},
    ),
    Case("admin apartments", lambda c: "/admin/buildings/apartment/", CONSOLE),
    Case("admin assessments", lambda c: "/admin/buildings/conditionassessment/", CONSOLE),
    Case("api buildings", lambda c: "/api/v1/buildings/?region=UZ-TK", {"default": 200}),
    Case("api buildings search", lambda c: "/api/v1/buildings/?q=DEMO:TK", {"default": 200}),
    Case("api building", lambda c: f"/api/v1/buildings/{building_a(c)}/", {"default": 200}),
    Case(
        "api my apartments", lambda c: "/api/v1/me/apartments/", {"default": 200, "anonymous": 401}
    ),
    Case("api assessments", lambda c: "/api/v1/assessments/", {"default": 200, "anonymous": 401}),
]


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)


@pytest.mark.parametrize("key", ALL)
def test_turar_joy_import_endpoint_by_persona(client: Client, cast: Cast, key: str) -> None:
    """Only inspectors import; a regional inspector only for their region."""
    line = {
        "kind": "building",
        "cadastral_number": "MATRIX:1",
        "region": "UZ-TK",
        "district": "Yunusobod tumani",
        "address": "Test",
        "lat": 41.36,
        "lon": 69.29,
        "year_built": 1990,
        "floors": 5,
        "entrances": 1,
        "wall_material": "brick",
        "has_elevator": False,
        "cadastral_passport": True,
        "solar_panels": False,
        "solar_transferred": False,
        "apartments": [{"number": "1", "area_m2": 50, "rooms": 2}],
    }
    upload = SimpleUploadedFile("tj.jsonl", json.dumps(line).encode(), "application/jsonl")
    if key != "anonymous":
        client.force_login(cast.users[key])
    before = snapshot()
    count = Building.objects.count()
    response = client.post("/api/v1/turar-joy/import/", {"file": upload})
    expected = {"anonymous": 401, "inspector": 200, "other_inspector": 400}.get(key, 403)
    assert response.status_code == expected
    assert Building.objects.count() == count + (1 if expected == 200 else 0)
    if expected != 200:
        assert snapshot() == before
