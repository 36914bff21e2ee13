from __future__ import annotations

from typing import Any

import pytest

from buildings.models import Building
from territory.models import District, Region
from territory.reference import regions_ensure

MIN = 100  # tests use a small minimum: LOT_MIN_APARTMENTS is configurable


@pytest.fixture(autouse=True)
def _small_lots(settings: Any) -> None:
    settings.LOT_MIN_APARTMENTS = MIN


@pytest.fixture
def town(make_building):
    """Commissioned buildings placed on a grid in one district: ``town(district, n, flats)``."""
    from django.utils import timezone

    def make(
        district: District,
        n: int,
        flats: int = 20,
        *,
        lat0: float | None = None,
        lon0: float | None = None,
        **overrides: Any,
    ) -> list[Building]:
        if not Region.objects.exists():
            regions_ensure(Region, District)
        lat0 = district.lat if lat0 is None else lat0
        lon0 = district.lon if lon0 is None else lon0
        assert lat0 is not None
        assert lon0 is not None
        made = []
        for i in range(n):
            b = make_building(
                region_code=district.region.code,
                flats=flats,
                lat=lat0 + (i % 5) * 0.002,
                lon=lon0 + (i // 5) * 0.002,
                commissioned_at=timezone.now(),
                **overrides,
            )
            Building.objects.filter(pk=b.pk).update(district=district)
            b.refresh_from_db()
            made.append(b)
        return made

    return make


def district(region_code: str, name: str) -> District:
    return District.objects.get(region__code=region_code, name=name)
