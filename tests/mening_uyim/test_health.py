from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from mening_uyim.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_probe(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "beat", "cache", "broker"}
    assert body["checks"]["database"]["ok"] is True
    assert body["time"].endswith("+05:00")  # Asia/Tashkent


def test_healthz_is_503_when_the_database_is_down(client: Client) -> None:
    with mock.patch(
        "mening_uyim.health.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_healthz_is_degraded_not_down_when_the_broker_is_unreachable(
    client: Client, settings
) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["broker"]["ok"] is False


def test_healthz_shows_the_last_heartbeat(client: Client) -> None:
    heartbeat_record()
    beat = client.get("/healthz").json()["checks"]["beat"]
    assert beat["ok"] is True
    assert beat["beats"] == 1


def test_healthz_rejects_post(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
