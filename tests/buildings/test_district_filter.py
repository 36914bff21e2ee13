"""The district filter follows the chosen region (issue "What people see", point 5):
before a region is chosen it lists no district; after, only that region's; htmx reloads
the options when the region changes; a district outside the region is ignored with a
message on the pages (the region takes precedence) and refused (400) by the API and the
map's points."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from buildings.filters import MSG_IGNORED, district_not_in_region
from mening_uyim.demo import DEMO_A, DEMO_B, DEMO_C, Cast
from territory.models import District, Region

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="(\d+)"')


def _in(client: Client, language: str) -> Client:
    """Pages speak the language the visitor chose (the cookie), not the browser's."""
    client.cookies["django_language"] = language
    return client


def _district_options(html: str) -> set[int]:
    """The district ids offered by the district select of a page (or of the bare options)."""
    match = re.search(r'<select name="district"[^>]*>(.*?)</select>', html, re.S)
    return {int(v) for v in OPTION.findall(match[1] if match else html)}


def _ids(region_code: str) -> set[int]:
    return set(District.objects.filter(region__code=region_code).values_list("pk", flat=True))


@pytest.mark.parametrize("url", ["/registry/buildings/", "/registry/map/?region="])
def test_before_a_region_is_chosen_no_district_is_listed(client: Client, cast: Cast, url) -> None:
    assert District.objects.count() > 150  # the select used to list them all
    with translation.override("en"):
        html = _in(client, "en").get(url).content.decode()
    assert _district_options(html) == set()
    assert "Choose a region first" in html


@pytest.mark.parametrize(
    "url", ["/registry/buildings/?region={code}", "/registry/map/?region={code}"]
)
@pytest.mark.parametrize("code", ["UZ-SA", "UZ-TK"])
def test_a_chosen_region_lists_its_districts_only(
    client: Client, cast: Cast, url: str, code: str
) -> None:
    """Also what a form submitted without JavaScript gets back."""
    html = client.get(url.format(code=code)).content.decode()
    assert _district_options(html) == _ids(code)


def test_a_region_by_id_lists_its_districts_too(client: Client, cast: Cast) -> None:
    response = client.get("/registry/buildings/", {"region": str(cast.other_region.pk)})
    assert _district_options(response.content.decode()) == _ids("UZ-SA")
    assert response.context["selected"]["region"] == "UZ-SA"


def test_the_options_endpoint_serves_the_regions_districts(client: Client, cast: Cast) -> None:
    response = client.get("/registry/districts/", {"region": "UZ-SA"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _district_options(html) == _ids("UZ-SA")
    assert "<select" not in html  # only the options, for htmx to swap in
    names = [d.name for d in District.objects.filter(region__code="UZ-SA").order_by("name")]
    assert [m for m in re.findall(r'<option value="\d+">([^<]+)<', html)] == names


def test_the_options_endpoint_without_a_region_asks_for_one(client: Client, cast: Cast) -> None:
    with translation.override("en"):
        html = _in(client, "en").get("/registry/districts/").content.decode()
    assert _district_options(html) == set()
    assert "Choose a region first" in html
    assert (
        _district_options(client.get("/registry/districts/?region=UZ-XX").content.decode()) == set()
    )


@pytest.mark.parametrize("value", ["²", "9" * 20, "abc"])
def test_the_options_endpoint_refuses_a_malformed_region(
    client: Client, cast: Cast, value: str
) -> None:
    response = client.get("/registry/districts/", {"region": value})
    assert response.status_code == 400
    assert value in response.content.decode()


def test_the_region_select_reloads_the_district_options_with_htmx(
    client: Client, cast: Cast
) -> None:
    html = client.get("/registry/buildings/").content.decode()
    region = re.search(r'<select name="region"[^>]*>', html)
    assert region is not None
    assert 'hx-get="/registry/districts/"' in region[0]
    assert 'hx-target="#district-select"' in region[0]
    assert 'hx-push-url="false"' in region[0]  # the options' URL is no page of the history
    assert 'id="district-select"' in html
    # the rows wait for the new options, so they never carry the previous region's district
    form = re.search(r'<form[^>]*id="registry-filters"[^>]*>', html, re.S)
    assert form is not None
    assert "target.name!=='region'" in form[0]
    assert "htmx:afterSwap[target.id==='district-select']" in form[0]


def test_the_chosen_district_stays_selected(client: Client, cast: Cast) -> None:
    html = client.get(
        "/registry/buildings/", {"region": "UZ-TK", "district": str(cast.district.pk)}
    ).content.decode()
    assert f'<option value="{cast.district.pk}" selected>' in html


def test_a_district_alone_chooses_its_region(client: Client, cast: Cast) -> None:
    response = client.get("/registry/buildings/", {"district": str(cast.district.pk)})
    assert response.context["selected"]["region"] == "UZ-TK"
    assert _district_options(response.content.decode()) == _ids("UZ-TK")
    assert {b.cadastral_number for b in response.context["page"].object_list} >= {DEMO_A, DEMO_B}


def test_a_district_outside_the_region_is_ignored_with_a_message(
    client: Client, cast: Cast
) -> None:
    """The page's rule (buildings.views._registry_form): the region takes precedence."""
    yunusobod = cast.district
    samarkand = Region.objects.get(code="UZ-SA")
    with translation.override("en"):
        response = _in(client, "en").get(
            "/registry/buildings/",
            {"region": "UZ-SA", "district": str(yunusobod.pk)},
        )
        message = f"{district_not_in_region(yunusobod.name, samarkand.name)} {MSG_IGNORED}"
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "is not in the region" in message
    rows = {b.cadastral_number for b in response.context["page"].object_list}
    assert DEMO_C in rows
    assert DEMO_A not in rows  # the district did not win
    assert response.context["selected"]["district"] == ""


def test_the_api_and_the_map_points_refuse_a_district_outside_the_region(
    client: Client, cast: Cast
) -> None:
    params = {"region": "UZ-SA", "district": str(cast.district.pk)}
    api = APIClient().get("/api/v1/buildings/", params)
    assert api.status_code == 400
    assert cast.district.name in api.json()["district"][0]
    points = client.get("/registry/map/points.json", params)
    assert points.status_code == 400
    assert cast.district.name in points.json()["errors"]["district"]
    # the district in its own region is fine
    ok = APIClient().get(
        "/api/v1/buildings/", {"region": "UZ-TK", "district": str(cast.district.pk)}
    )
    assert ok.status_code == 200
    assert {r["cadastral_number"] for r in ok.json()["results"]} >= {DEMO_A, DEMO_B}
