"""Registry fixtures shared by every test package: ``make_building``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from buildings.models import Building, account_number_for
from territory.models import District, Region
from territory.reference import regions_ensure


@pytest.fixture
def make_building(db: None):
    """A commissioned-or-not building in Tashkent city with ``flats`` apartments."""
    counter = {"n": 0}

    def make(*, region_code: str = "UZ-TK", flats: int = 3, **overrides: Any) -> Building:
        from buildings.models import Apartment

        counter["n"] += 1
        if not Region.objects.exists():  # a transactional test flushed the migration's rows
            regions_ensure(Region, District)
        region = Region.objects.get(code=region_code)
        district = District.objects.filter(region=region).order_by("name").first()
        assert district is not None
        values: dict[str, Any] = {
            "region": region,
            "district": district,
            "cadastral_number": f"T:{region_code}:{counter['n']:05d}",
            "address": f"Test street {counter['n']}",
            "lat": district.lat or 41.3,
            "lon": district.lon or 69.3,
            "floors": 5,
            "entrances": 2,
            "has_elevator": False,
            "total_area_m2": Decimal(50 * flats),
            "living_area_m2": Decimal(50 * flats),
            "apartments_count": flats,
            "cadastral_passport": True,
        }
        values.update(overrides)
        building = Building.objects.create(**values)
        Apartment.objects.bulk_create(
            [
                Apartment(
                    building=building,
                    number=str(i),
                    area_m2=Decimal(50),
                    account_number=account_number_for(building.pk, i),
                )
                for i in range(1, flats + 1)
            ]
        )
        return building

    return make
