"""Hot pages run a fixed number of SQL queries, however much data there is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Person
from buildings.models import Apartment, Building, MonthlyConsumption
from buildings.services import assessment_record, ownership_replace
from mening_uyim.demo import DEMO_A, Cast
from tests.buildings.conftest import wear

pytestmark = pytest.mark.django_db


def _count(client: Client | APIClient, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(cast: Cast, make_building, n: int) -> None:
    """More buildings, assessments, consumption, and more flats for the owner."""
    owner = Person.objects.get(user=cast.users["owner"])
    for i in range(n):
        b = make_building(flats=4)
        assessment_record(building=b, assessed_on=dt.date(2026, 1, 1 + i % 27), wear=wear())
        apt = Apartment.objects.filter(building=b).first()
        assert apt is not None
        ownership_replace(apartment=apt, owners=[(owner, 1)], since=dt.date(2026, 1, 1))  # type: ignore[list-item]
    a = Building.objects.get(cadastral_number=DEMO_A)
    for i in range(n):
        assessment_record(building=a, assessed_on=dt.date(2020, 1, 1 + i), wear=wear())
    MonthlyConsumption.objects.filter(building=a).update(water_m3=Decimal(1))


@pytest.mark.parametrize("key", ["owner", "inspector", "mc_director", "outsider"])
def test_hot_pages_do_not_grow_with_data(
    client: Client, cast: Cast, make_building, key: str, django_assert_max_num_queries
) -> None:
    client.force_login(cast.users[key])
    a = Building.objects.get(cadastral_number=DEMO_A)
    pages = [
        ("/", None),
        ("/registry/my-apartments/", None),
        (f"/registry/buildings/{a.pk}/", None),
        ("/registry/buildings/", {"region": "UZ-TK"}),
        ("/registry/map/points.json", {"region": "UZ-TK"}),
        # searches that find rows before and after the growth (an empty page reads no rows)
        ("/registry/buildings/", {"region": "UZ-TK", "q": "DEMO:TK"}),
        ("/registry/buildings/", {"q": "e", "page": "2"}),
        ("/registry/buildings/", {"district": str(cast.district.pk)}),
        ("/registry/districts/", {"region": "UZ-TK"}),
        ("/registry/map/", None),
    ]
    client.get(
        "/"
    )  # the roles are cached across requests (accounts.permissions): count a warm request
    before = [_count(client, url, params) for url, params in pages]
    _grow(cast, make_building, 6)
    client.force_login(cast.users[key])
    client.get("/")
    after = [_count(client, url, params) for url, params in pages]
    assert after == before
    # and the pins themselves
    # the home gathers each role's work (tests/mening_uyim/test_homes.py pins it per role)
    limits = [13, 8, 14, 9, 6, 8, 7, 9, 5, 7]
    for (url, _p), count, limit in zip(pages, after, limits, strict=True):
        assert count <= limit, (url, count)


def test_api_lists_do_not_grow_with_data(cast: Cast, make_building) -> None:
    from accounts.models import User

    api = APIClient()
    urls = [
        "/api/v1/buildings/",
        "/api/v1/me/apartments/",
        "/api/v1/assessments/",
        "/api/v1/buildings/?q=DEMO",
        f"/api/v1/buildings/?region=UZ-TK&district={cast.district.pk}",
    ]

    def counts() -> list[int]:
        result = []
        for url in urls:
            # A fresh user object per request, as in production (no role cache carried over).
            api.force_authenticate(User.objects.get(pk=cast.users["owner"].pk))
            result.append(_count(api, url))
        return result

    before = counts()
    _grow(cast, make_building, 5)
    assert counts() == before
    assert max(before) <= 5
