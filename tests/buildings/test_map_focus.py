"""The map opens on the user's region (issue "What people see", point 4): the page names
its first view (the region of its filter and ``data-bounds``) per persona."""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import Role, User
from accounts.services import membership_grant
from buildings.models import Building
from buildings.selectors import DEFAULT_MAP_REGION, map_focus
from mening_uyim.demo import DEMO_A, DEMO_B, DEMO_C, Cast
from territory.models import Region

pytestmark = pytest.mark.django_db

MAP = "/registry/map/"


def _box(*cadastral: str) -> list[list[float]]:
    rows = Building.objects.filter(cadastral_number__in=cadastral)
    lats = [b.lat for b in rows]
    lons = [b.lon for b in rows]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _region_box(code: str) -> list[list[float]]:
    return _box(
        *Building.objects.filter(region__code=code).values_list("cadastral_number", flat=True)
    )


def _opened(client: Client, user: User | None, url: str = MAP) -> tuple[str, Any]:
    """The region the map's filter starts with and its data-bounds (None when absent)."""
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    selected = re.search(r'<option value="([^"]*)" selected>', page.split('name="district"')[0])
    attribute = re.search(r'data-bounds="([^"]*)"', page)
    bounds = json.loads(html_lib.unescape(attribute[1])) if attribute else None
    assert (response.context["bounds"] != "") == (bounds is not None)
    return (selected[1] if selected else ""), bounds


@pytest.mark.parametrize(
    ("key", "region", "box"),
    [
        # an inspector: their region, framed on its buildings
        ("inspector", "UZ-TK", lambda: _region_box("UZ-TK")),
        ("other_inspector", "UZ-SA", lambda: _region_box("UZ-SA")),
        # a council member: their district's region
        ("council", "UZ-TK", lambda: _region_box("UZ-TK")),
        ("other_council", "UZ-TK", lambda: _region_box("UZ-TK")),
        # an MC's staff: the region of their company's buildings, framed on them
        ("mc_director", "UZ-TK", lambda: _box(DEMO_A, DEMO_B)),
        ("mc_dispatcher", "UZ-TK", lambda: _box(DEMO_A, DEMO_B)),
        # an owner: their building
        ("owner", "UZ-TK", lambda: _box(DEMO_A)),
        ("co_owner", "UZ-TK", lambda: _box(DEMO_A)),
        ("neighbour", "UZ-TK", lambda: _box(DEMO_B)),
        ("outsider", "UZ-SA", lambda: _box(DEMO_C)),  # the cast's outsider owns a flat in C
        # no place: the default, fitted to its points
        ("rival_mc", DEFAULT_MAP_REGION, lambda: None),
        ("anonymous", DEFAULT_MAP_REGION, lambda: None),
    ],
)
def test_the_map_opens_where_the_persona_works_or_lives(
    client: Client, cast: Cast, key: str, region: str, box: Any
) -> None:
    user = None if key == "anonymous" else cast.users[key]
    assert _opened(client, user) == (region, box())


def test_a_samarkand_inspector_does_not_open_on_tashkent(client: Client, cast: Cast) -> None:
    region, bounds = _opened(client, cast.users["other_inspector"])
    assert region == "UZ-SA"
    assert bounds is not None
    assert bounds[0][0] < 40.5  # Samarkand lies south of Tashkent (41.3° N)


def test_a_national_inspector_opens_on_the_whole_country(client: Client, cast: Cast) -> None:
    national = User.objects.create_user(email="national@example.uz", password="x-Parol-2026")
    membership_grant(user=national, role=Role.INSPECTOR)
    region, bounds = _opened(client, national)
    assert region == ""  # all regions
    all_ids = Building.objects.values_list("cadastral_number", flat=True)
    assert bounds == _box(*all_ids)


def test_an_inspector_of_an_empty_region_opens_on_its_centroid(cast: Cast) -> None:
    empty = Region.objects.exclude(buildings__isnull=False).exclude(lat__isnull=True).first()
    assert empty is not None
    user = User.objects.create_user(email="empty@example.uz", password="x-Parol-2026")
    membership_grant(user=user, role=Role.INSPECTOR, region_id=empty.pk)
    focus = map_focus(user)
    assert focus.region == empty.code
    assert focus.bounds is not None
    (south, west), (north, east) = focus.bounds
    assert empty.lat is not None
    assert empty.lon is not None
    assert south < empty.lat < north
    assert west < empty.lon < east


def test_a_region_in_the_url_wins_over_the_persona(client: Client, cast: Cast) -> None:
    """The user's own choice: the map fits the chosen region's points instead."""
    assert _opened(client, cast.users["other_inspector"], f"{MAP}?region=UZ-TK") == ("UZ-TK", None)
    assert _opened(client, cast.users["other_inspector"], f"{MAP}?region=") == ("", None)


def test_the_map_script_keeps_the_servers_first_view() -> None:
    """map.js opens on data-bounds and does not refit the first load to the points."""
    from django.conf import settings

    script = (settings.BASE_DIR / "static" / "js" / "map.js").read_text()
    assert "el.dataset.bounds" in script
    assert "keepView" in script


def test_the_map_page_counts_queries_per_persona_as_the_data_grows(
    client: Client, cast: Cast, make_building: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    keys = ["anonymous", "owner", "mc_director", "council", "inspector", "other_inspector"]

    def counts() -> list[int]:
        result = []
        for key in keys:
            client.logout()
            if key != "anonymous":
                client.force_login(cast.users[key])
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(MAP).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    counts()  # the roles are cached across requests (accounts.permissions): count a warm request
    before = counts()
    for _ in range(5):
        make_building(flats=2, manager=cast.mc)
        make_building(region_code="UZ-SA", flats=2)
    assert counts() == before
    assert max(before) <= 9, before
