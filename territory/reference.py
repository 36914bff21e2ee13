"""The fixed territorial reference: 14 regions with their districts (territory/data)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "regions.json"


@cache
def regions_reference() -> list[dict[str, Any]]:
    with DATA.open(encoding="utf-8") as fh:
        regions: list[dict[str, Any]] = json.load(fh)["regions"]
    return regions


def regions_ensure(region_model: Any, district_model: Any) -> None:
    """Create the 14 regions and their districts if missing (idempotent; used by a migration)."""
    for r in regions_reference():
        region, _ = region_model.objects.update_or_create(
            code=r["code"],
            defaults={"name": r["name"], "name_ru": r["name_ru"], "lat": r["lat"], "lon": r["lon"]},
        )
        for d in r["districts"]:
            district_model.objects.update_or_create(
                region=region,
                name=d["name"],
                defaults={
                    "name_ru": d["name_ru"],
                    "kind": d["kind"],
                    "lat": d["lat"],
                    "lon": d["lon"],
                },
            )
