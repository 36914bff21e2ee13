"""Region scoping: a Tashkent inspector never sees a Samarkand building (lists, detail,
search, export, API), and personal data on the building page only reaches those with a right."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from buildings.models import Apartment, Building
from mening_uyim.demo import DEMO_A, DEMO_C, Cast

pytestmark = pytest.mark.django_db


def _a_c() -> tuple[Building, Building]:
    return (
        Building.objects.get(cadastral_number=DEMO_A),
        Building.objects.get(cadastral_number=DEMO_C),
    )


def test_admin_list_and_search_are_scoped(client: Client, cast: Cast) -> None:
    a, c = _a_c()
    client.force_login(cast.users["inspector"])
    html = client.get("/admin/buildings/building/").content.decode()
    assert DEMO_A in html
    assert DEMO_C not in html
    assert not client.get("/admin/buildings/building/", {"q": DEMO_C}).context["cl"].result_count
    client.force_login(cast.users["other_inspector"])
    changelist = client.get("/admin/buildings/building/", {"q": DEMO_A}).context["cl"]
    assert changelist.result_count == 0
    assert client.get(f"/admin/buildings/building/{a.pk}/change/").status_code == 404
    assert client.get(f"/admin/buildings/building/{c.pk}/change/").status_code == 200


def test_admin_search_by_account_number_is_scoped(client: Client, cast: Cast) -> None:
    a, _c = _a_c()
    account = Apartment.objects.filter(building=a).first().account_number  # type: ignore[union-attr]
    client.force_login(cast.users["inspector"])
    assert client.get("/admin/buildings/building/", {"q": account}).context["cl"].result_count == 1
    client.force_login(cast.users["other_inspector"])
    assert client.get("/admin/buildings/building/", {"q": account}).context["cl"].result_count == 0


def test_export_is_scoped(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["inspector"])
    response = client.post(
        "/admin/buildings/building/export/", {"format": "0", "resource": "0", "export_items": []}
    )
    if response.status_code == 200 and response.get("Content-Disposition") is None:
        # The form asks for the fields first (import-export 4): accept every field.
        form = response.context["form"]
        data = {"format": "0", "resource": "0"}
        for name in form.fields:
            if name.startswith("buildingresource_"):
                data[name] = "on"
        response = client.post("/admin/buildings/building/export/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert DEMO_A in body
    assert DEMO_C not in body


def test_private_part_of_the_building_page(client: Client, cast: Cast) -> None:
    a, _c = _a_c()
    account = Apartment.objects.get(building=a, number="1").account_number
    url = f"/registry/buildings/{a.pk}/"
    for key, sees in [
        ("inspector", True),
        ("mc_director", True),
        ("mc_dispatcher", True),
        ("other_inspector", False),
        ("rival_mc", False),
        ("owner", False),
        ("council", False),
    ]:
        client.force_login(cast.users[key])
        assert (account in client.get(url).content.decode()) is sees, key
    client.logout()
    html = client.get(url).content.decode()
    assert account not in html
    assert "Karimov" not in html  # owners' names are personal


def test_an_owner_sees_their_own_account_number_on_the_building_page(
    client: Client, cast: Cast
) -> None:
    a, _c = _a_c()
    flat12 = Apartment.objects.get(building=a, number="12")
    client.force_login(cast.users["owner"])
    assert flat12.account_number in client.get(f"/registry/buildings/{a.pk}/").content.decode()


def test_api_assessments_are_scoped(cast: Cast) -> None:
    api = APIClient()
    seen = {}
    for key in ("inspector", "other_inspector", "owner", "outsider", "mc_director"):
        api.force_authenticate(cast.users[key])
        rows = api.get("/api/v1/assessments/").json()["results"]
        seen[key] = {r["cadastral_number"] for r in rows}
    assert DEMO_A in seen["inspector"]
    assert DEMO_C not in seen["inspector"]
    assert seen["other_inspector"] == {DEMO_C}
    assert seen["owner"] == {DEMO_A}
    assert seen["outsider"] == {DEMO_C}
    assert seen["mc_director"] == set()


def test_api_buildings_are_public_and_filtered(client: Client, cast: Cast) -> None:
    body = client.get("/api/v1/buildings/", {"region": "UZ-SA"}).json()
    assert {b["cadastral_number"] for b in body["results"]} == {DEMO_C}
    assert "account_number" not in str(body)
    assert client.get("/api/v1/buildings/", {"classification": "purple"}).status_code == 400


def test_api_my_apartments(cast: Cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.users["co_owner"])
    rows = api.get("/api/v1/me/apartments/").json()
    assert [(r["number"], r["share"]) for r in rows] == [("12", "1/2")]
    api.force_authenticate(cast.users["mc_director"])
    assert api.get("/api/v1/me/apartments/").json() == []


def test_people_in_the_admin_are_scoped_to_the_inspectors_region(
    client: Client, cast: Cast
) -> None:
    from accounts.models import Person

    samarkand_owner = Person.objects.get(user=cast.users["outsider"])  # owns in building C
    tashkent_owner = Person.objects.get(user=cast.users["owner"])  # owns in building A
    client.force_login(cast.users["inspector"])  # Tashkent
    changelist = client.get("/admin/accounts/person/", {"q": samarkand_owner.pinfl}).context["cl"]
    assert changelist.result_count == 0
    assert client.get(f"/admin/accounts/person/{samarkand_owner.pk}/change/").status_code in (
        302,
        404,
    )
    changelist = client.get("/admin/accounts/person/", {"q": tashkent_owner.pinfl}).context["cl"]
    assert changelist.result_count == 1
    client.force_login(cast.users["other_inspector"])  # Samarkand
    changelist = client.get("/admin/accounts/person/", {"q": tashkent_owner.pinfl}).context["cl"]
    assert changelist.result_count == 0


def test_inspectors_see_their_regions_lots_in_the_admin(client: Client, cast: Cast) -> None:
    from lots.models import Lot

    Lot.objects.create(code="UZ-TK-611", region=cast.region)
    Lot.objects.create(code="UZ-SA-611", region=cast.other_region)
    client.force_login(cast.users["inspector"])
    html = client.get("/admin/lots/lot/").content.decode()
    assert "UZ-TK-611" in html
    assert "UZ-SA-611" not in html
