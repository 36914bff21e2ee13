"""Line factories and helpers shared by the Turar-Joy importer's tests (test_turarjoy_*.py).

Error texts are translated (the active language is Uzbek), so the tests assert on what is
not: the field path at the start of each error, the line numbers, counts and the database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model

from accounts.models import Person
from buildings.turarjoy import ImportReport, turar_joy_import

URL = "/api/v1/turar-joy/import/"
CAD = "TEST:0001"
NEW_DISTRICT = "Sinov tumani"  # not in buildings/data/regions.json
# Valid PINFLs (century digit, a real DDMMYY date, 7 digits), unknown to the demo cast.
PINFL_A = "30101900000001"
PINFL_B = "40202910000002"
PINFL_C = "50303050000003"
ZERO = {"building": 0, "assessment": 0, "consumption": 0, "land_plot": 0}


# --- line factories ----------------------------------------------------------------------


def owner(pinfl: str, share: Any = "1", full_name: str = "Test Egasi") -> dict[str, Any]:
    return {"pinfl": pinfl, "full_name": full_name, "share": share}


def flat(
    number: str | int,
    area_m2: Any = 50,
    rooms: int | None = 2,
    owners: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {"number": number, "area_m2": area_m2, "rooms": rooms}
    if owners is not None:
        record["owners"] = owners
    return record


def building(cadastral: str = CAD, **overrides: Any) -> dict[str, Any]:
    """A valid building line in Tashkent city with three apartments (no owners)."""
    record: dict[str, Any] = {
        "kind": "building",
        "cadastral_number": cadastral,
        "region": "UZ-TK",
        "district": "Yunusobod tumani",
        "address": "Yunusobod tumani, Sinov koʻchasi, 1-uy",
        "lat": 41.36,
        "lon": 69.29,
        "year_built": 1985,
        "floors": 9,
        "entrances": 2,
        "wall_material": "panel",
        "has_elevator": True,
        "cadastral_passport": True,
        "solar_panels": False,
        "solar_transferred": False,
        "apartments": [flat("1"), flat("2"), flat("3")],
    }
    record.update(overrides)
    return record


def wear(value: float | None = 10, **overrides: float | None) -> dict[str, Any]:
    """Every element at ``value`` % unless overridden."""
    base: dict[str, Any] = dict.fromkeys(
        (
            "foundation",
            "walls",
            "floors",
            "roof",
            "facade",
            "heating",
            "water",
            "electricity",
            "gas",
            "elevators",
        ),
        value,
    )
    base.update(overrides)
    return base


def assessment(
    cadastral: str = CAD,
    assessed_on: str = "2025-06-01",
    wear_values: dict[str, Any] | None = None,
    emergency: bool = False,
) -> dict[str, Any]:
    return {
        "kind": "assessment",
        "cadastral_number": cadastral,
        "assessed_on": assessed_on,
        "wear": wear() if wear_values is None else wear_values,
        "emergency": emergency,
    }


def consumption(cadastral: str = CAD, month: str = "2025-01", **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "consumption",
        "cadastral_number": cadastral,
        "month": month,
        "electricity_kwh": 6800,
        "gas_m3": 900.5,
        "water_m3": 410,
    }
    record.update(overrides)
    return record


def land_plot(cadastral: str = CAD, area_m2: Any = 4200, boundary: Any = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "land_plot",
        "cadastral_number": cadastral,
        "area_m2": area_m2,
    }
    if boundary is not None:
        record["boundary"] = boundary
    return record


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[69.29, 41.36], [69.30, 41.36], [69.30, 41.37], [69.29, 41.36]]],
}


def full_file(
    *, older: dict[str, Any] | None = None, latest: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One building of 3 apartments (flat 2 co-owned 1/2 + 1/2), two assessments,
    12 months of consumption and a land plot."""
    return [
        building(
            apartments=[
                flat("1", 48.5, 2),
                flat("2", 61, 3, owners=[owner(PINFL_A, "1/2"), owner(PINFL_B, "1/2")]),
                flat("3", 35.25, 1),
            ]
        ),
        older or assessment(assessed_on="2023-04-02", wear_values=wear(10, walls=80)),
        latest or assessment(assessed_on="2025-05-14", wear_values=wear(10)),
        *[consumption(month=f"2025-{m:02d}", water_m3=400 + m) for m in range(1, 13)],
        land_plot(boundary=SQUARE),
    ]


def lines(records: list[Any]) -> list[str]:
    """JSON Lines text, one line per record (a str record is a raw line, as is)."""
    return [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]


def run(records: list[Any], region_scope: int | None = None) -> ImportReport:
    return turar_joy_import(lines=lines(records), region_scope=region_scope)


def row_counts() -> dict[str, int]:
    """Rows of every registry table, and of accounts.Person."""
    models: list[type[Model]] = [*apps.get_app_config("buildings").get_models(), Person]
    return {m._meta.label: m._default_manager.count() for m in models}


def errors_by_line(report: ImportReport) -> dict[int, str]:
    found: dict[int, str] = {}
    for error in report.errors:
        assert error["line"] not in found, f"two errors on line {error['line']}: {report.errors}"
        found[error["line"]] = error["error"]
    return found


def assert_ok(report: ImportReport) -> None:
    assert report.ok, report.errors
    assert report.errors == []


def write_file(path: Path, records: list[Any]) -> Path:
    path.write_text("\n".join(lines(records)) + "\n", encoding="utf-8")
    return path


def upload(records: list[Any], name: str = "turar-joy.jsonl") -> SimpleUploadedFile:
    content = ("\n".join(lines(records)) + "\n").encode("utf-8")
    return SimpleUploadedFile(name, content, content_type="application/x-ndjson")
