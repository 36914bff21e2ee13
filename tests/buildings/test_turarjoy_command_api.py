"""The Turar-Joy import as an operator command and as an API endpoint (who may import what)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from buildings.models import (
    Apartment,
    Building,
)
from mening_uyim.demo import Cast
from tests.buildings.turarjoy_lines import (
    CAD,
    NEW_DISTRICT,
    URL,
    ZERO,
    assessment,
    building,
    consumption,
    flat,
    full_file,
    land_plot,
    row_counts,
    upload,
    wear,
    write_file,
)

pytestmark = pytest.mark.django_db


# --- 8. the management command ---------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_a_json_report(tmp_path: Path) -> None:
    path = write_file(tmp_path / "turar-joy.jsonl", full_file())
    out = io.StringIO()

    call_command("import_turar_joy", str(path), "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report == {
        "created": {"building": 1, "assessment": 2, "consumption": 12, "land_plot": 1},
        "updated": ZERO,
        "unchanged": 0,
        "errors": [],
        "warnings": [],
    }
    assert Building.objects.filter(cadastral_number=CAD).exists()
    assert Apartment.objects.filter(building__cadastral_number=CAD).count() == 3


def test_the_command_refuses_a_bad_file_prints_the_errors_and_writes_nothing(
    tmp_path: Path,
) -> None:
    path = write_file(
        tmp_path / "bad.jsonl",
        [building(district=NEW_DISTRICT), assessment(wear_values=wear(10, walls=130))],
    )
    before = row_counts()
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_turar_joy", str(path), "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert [e["line"] for e in report["errors"]] == [2]
    assert report["errors"][0]["error"].startswith("wear.walls:")
    assert report["created"] == ZERO
    assert row_counts() == before


def test_the_command_without_json_prints_each_bad_line(tmp_path: Path) -> None:
    path = write_file(tmp_path / "bad.jsonl", [building(), consumption(month="2026-13")])
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_turar_joy", str(path), stdout=out)

    assert "line 2: month:" in out.getvalue()


def test_the_command_json_reports_the_flats_missing_from_the_file(tmp_path: Path) -> None:
    call_command("import_turar_joy", str(write_file(tmp_path / "a.jsonl", [building()])))
    shorter = write_file(tmp_path / "b.jsonl", [building(apartments=[flat("1")])])
    out = io.StringIO()

    call_command("import_turar_joy", str(shorter), "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["errors"] == []
    assert [(w["line"], w["missing_apartments"]) for w in report["warnings"]] == [(1, ["2", "3"])]
    assert Building.objects.get(cadastral_number=CAD).apartments_count == 3


def test_the_command_without_json_prints_each_warning(tmp_path: Path) -> None:
    call_command("import_turar_joy", str(write_file(tmp_path / "a.jsonl", [building()])))
    shorter = write_file(tmp_path / "b.jsonl", [building(apartments=[flat("1")])])
    out = io.StringIO()

    call_command("import_turar_joy", str(shorter), stdout=out)

    assert "line 1: apartments:" in out.getvalue()


def test_the_command_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import_turar_joy", str(tmp_path / "missing.jsonl"), stdout=io.StringIO())


# --- 9. the API --------------------------------------------------------------------------------


def test_the_api_refuses_anonymous_with_401(cast: Cast) -> None:
    before = row_counts()

    response = APIClient().post(URL, {"file": upload([building()])}, format="multipart")

    assert response.status_code == 401
    assert row_counts() == before


def test_the_api_refuses_an_owner_with_403(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["owner"])
    before = row_counts()

    response = api.post(URL, {"file": upload([building()])}, format="multipart")

    assert response.status_code == 403
    assert row_counts() == before


def test_the_api_lets_an_inspector_import_their_region(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["inspector"])

    response = api.post(
        URL, {"file": upload([building(), assessment(), land_plot()])}, format="multipart"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == {"building": 1, "assessment": 1, "consumption": 0, "land_plot": 1}
    assert body["errors"] == []
    b = Building.objects.get(cadastral_number=CAD)
    assert b.region == cast.region
    assert b.apartments.count() == 3


def test_the_api_refuses_a_building_of_another_region(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["inspector"])
    before = row_counts()
    samarkand = building(
        "TEST:0002", region="UZ-SA", district="Samarqand shahri", lat=39.65, lon=66.96
    )

    response = api.post(URL, {"file": upload([building(), samarkand])}, format="multipart")

    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [e["line"] for e in errors] == [2]
    assert errors[0]["error"].startswith("region:")
    assert row_counts() == before
    assert not Building.objects.filter(cadastral_number__in=[CAD, "TEST:0002"]).exists()


def test_the_api_refuses_data_for_an_existing_building_of_another_region(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["inspector"])
    before = row_counts()

    response = api.post(
        URL, {"file": upload([consumption("DEMO:SA:000C", month="2020-01")])}, format="multipart"
    )

    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [e["line"] for e in errors] == [1]
    assert errors[0]["error"].startswith("cadastral_number:")
    assert row_counts() == before


def test_the_api_refuses_moving_a_building_of_another_region_into_mine(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["inspector"])
    before = row_counts()
    moved = building("DEMO:SA:000C")  # the demo Samarkand building, claimed as Tashkent's

    response = api.post(URL, {"file": upload([moved])}, format="multipart")

    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [e["line"] for e in errors] == [1]
    assert errors[0]["error"].startswith("region:")
    assert row_counts() == before
    assert Building.objects.get(cadastral_number="DEMO:SA:000C").region == cast.other_region


def test_the_api_lets_the_samarkand_inspector_import_samarkand(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["other_inspector"])
    samarkand = building(region="UZ-SA", district="Samarqand shahri", lat=39.65, lon=66.96)

    response = api.post(URL, {"file": upload([samarkand])}, format="multipart")

    assert response.status_code == 200, response.content
    assert Building.objects.get(cadastral_number=CAD).region == cast.other_region


def test_the_api_reports_the_flats_missing_from_the_file(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["inspector"])
    assert api.post(URL, {"file": upload([building()])}, format="multipart").status_code == 200

    response = api.post(
        URL, {"file": upload([building(apartments=[flat("2")])])}, format="multipart"
    )

    assert response.status_code == 200, response.content
    [warning] = response.json()["warnings"]
    assert (warning["line"], warning["missing_apartments"]) == (1, ["1", "3"])
    assert warning["warning"].startswith("apartments:")
    assert Building.objects.get(cadastral_number=CAD).apartments_count == 3


def test_the_api_without_a_file_is_400(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["inspector"])

    response = api.post(URL, {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()
