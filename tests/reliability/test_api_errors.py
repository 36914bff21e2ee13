"""The API's refusals are JSON in one documented shape (issue 13, point 1: the schema
fuzzing checks every answer against the schema): an unknown API path is a JSON 404, a
refused role a JSON 403 with the reason, and every operation of the schema documents the
refusals it can give."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from mening_uyim.demo import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/v1/lots/١٢/", "/api/v1/tickets/²/", "/api/v1/nothing-here/", "/api/v1/lots/1.5e-9/"],
)
def test_an_unmatched_api_path_is_a_json_404_in_uzbek(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Topilmadi."}


@pytest.mark.parametrize(("language", "said"), [("uz", "Topilmadi."), ("ru", "Не найдено.")])
@pytest.mark.parametrize("path", ["/api/v1/buildings/999999/", "/api/v1/lots/999999/"])
def test_an_object_not_found_is_said_in_the_readers_language(
    client: Client, cast: Cast, path: str, language: str, said: str
) -> None:
    """Not get_object_or_404's English, which also names the model."""
    client.force_login(cast.users["inspector"])
    client.cookies["django_language"] = language
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": said}


def test_an_unmatched_page_is_still_a_page(client: Client) -> None:
    response = client.get("/lots/١٢/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_refused_import_says_why(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["owner"])
    response = client.post("/api/v1/turar-joy/import/", {})
    assert response.status_code == 403
    assert response.json() == {"detail": "Turar-Joy faylini faqat inspektor import qiladi."}
    client.force_login(cast.users["inspector"])
    missing = client.post("/api/v1/turar-joy/import/", {})
    assert missing.status_code == 400
    assert missing.json() == {"file": ["Turar-Joy faylini (JSON Lines) biriktiring."]}


def _schema(tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(out))
    return json.loads(out.read_text())


def test_every_operation_documents_its_refusals(tmp_path: Path) -> None:
    schema = _schema(tmp_path)
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 40
    for path, method, op in operations:
        codes = set(op["responses"])
        assert {"401", "403", "404"} <= codes, (method, path)
        if op.get("parameters") or op.get("requestBody"):
            assert "400" in codes, (method, path)
        refusal = op["responses"]["404"]["content"]["application/json"]["schema"]
        assert "detail" in refusal.get("properties", {}) or "$ref" in refusal, (method, path)


def test_an_operation_keeps_its_own_description_of_a_refusal(tmp_path: Path) -> None:
    schema = _schema(tmp_path)
    imported = schema["paths"]["/api/v1/turar-joy/import/"]["post"]["responses"]["400"]
    assert imported["content"]["application/json"]["schema"]["type"] == "object"
    assert imported["description"] == ""  # drf-spectacular's, not the hook's


def test_a_nul_character_in_a_form_is_a_400_page_and_writes_nothing(
    client: Client, cast: Cast
) -> None:
    """PostgreSQL cannot store U+0000 in text: a view reading a raw POST value (a ticket's
    comment) once answered 500 (found by tests/reliability/test_form_fuzz.py)."""
    from tests.access import snapshot

    client.force_login(cast.users["owner"])
    before = snapshot()
    response = client.post("/dispatch/", {"text": "suv\x00oqyapti", "building": "1"})
    assert response.status_code == 400
    assert "Notoʻgʻri soʻrov" in response.content.decode()
    assert snapshot() == before


def test_a_nul_character_in_an_api_parameter_is_a_json_400(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["inspector"])
    response = client.get("/api/v1/buildings/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Soʻrovni tushunib boʻlmadi.")


def test_a_multipart_body_without_a_boundary_is_the_views_400(client: Client, cast: Cast) -> None:
    """The NUL check reads form fields only where the body parses (schemathesis sent this)."""
    client.force_login(cast.users["inspector"])
    response = client.generic(
        "POST", "/api/v1/turar-joy/import/", b"--x--\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_a_nul_character_in_a_json_body_is_refused_by_the_fields(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.users["owner"])
    response = client.post(
        "/api/v1/tickets/", {"building": 1, "text": "a\x00b"}, content_type="application/json"
    )
    assert response.status_code in (400, 404)
