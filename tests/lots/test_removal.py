"""Removing an MC from the register (issue 8, point 10): only the inspection of a region
where it manages something (or a national inspector) may, and a removed MC loses every
right that came from managing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from accounts.permissions import roles_of
from buildings.models import Building
from buildings.selectors import building_apartments_private
from lots.errors import LotError
from lots.models import Lot, LotBuilding, LotStatus
from lots.services import mc_remove_from_register
from mening_uyim.demo import DEMO_A, DEMO_B, Cast
from organizations.models import ManagementCompany, RegisterStatus, Removal

pytestmark = pytest.mark.django_db

REASON = "Ijara shartnomasi soliq organida roʻyxatdan oʻtkazilmagan"


@pytest.fixture
def managed_lot(cast: Cast) -> Lot:
    lot = Lot.objects.create(
        code="UZ-TK-970", region=cast.region, status=LotStatus.MANAGED, manager=cast.mc
    )
    for cadastral in (DEMO_A, DEMO_B):
        LotBuilding.objects.create(
            lot=lot, building=Building.objects.get(cadastral_number=cadastral)
        )
    return lot


def _remove(cast: Cast, key: str) -> None:
    mc_remove_from_register(
        mc=cast.mc, reason=REASON, removed_on=dt.date(2026, 11, 30), inspector=cast.users[key]
    )


def test_an_inspector_of_another_region_cannot_remove_the_mc(cast: Cast, managed_lot) -> None:
    with pytest.raises(LotError):
        _remove(cast, "other_inspector")
    cast.mc.refresh_from_db()
    managed_lot.refresh_from_db()
    assert cast.mc.status == RegisterStatus.REGISTERED
    assert managed_lot.status == LotStatus.MANAGED
    assert not Removal.objects.exists()


def test_nor_through_the_admin_action(client: Client, cast: Cast, managed_lot) -> None:
    client.force_login(cast.users["other_inspector"])
    response = client.post(
        "/admin/organizations/managementcompany/",
        {
            "action": "remove_from_register",
            "_selected_action": [cast.mc.pk],
            "reason": REASON,
            "removed_on": "2026-11-30",
            "apply": "1",
        },
    )
    assert response.status_code in (200, 302)
    cast.mc.refresh_from_db()
    assert cast.mc.status == RegisterStatus.REGISTERED
    assert not Removal.objects.exists()


def test_the_regions_inspector_removes_and_the_lot_goes_to_reelection(
    cast: Cast, managed_lot
) -> None:
    _remove(cast, "inspector")
    managed_lot.refresh_from_db()
    assert managed_lot.status == LotStatus.REELECTION


def test_a_removed_mc_loses_its_managing_rights(
    client: Client, cast: Cast, managed_lot: Lot
) -> None:
    director = cast.users["mc_director"]
    building = Building.objects.get(cadastral_number=DEMO_A)
    assert building.manager_id == cast.mc.pk
    client.force_login(director)
    assert client.get(f"/lots/{managed_lot.pk}/").status_code == 200
    assert building_apartments_private(director, building) is not None
    account = building.apartments.order_by("pk").values_list("account_number", flat=True)[0]
    assert account in client.get(f"/registry/buildings/{building.pk}/").content.decode()
    _remove(cast, "inspector")
    director = type(director).objects.get(pk=director.pk)  # a new request: roles read again
    assert roles_of(director).managing_organization_id is None
    client.force_login(director)
    assert client.get(f"/lots/{managed_lot.pk}/").status_code == 404
    assert client.get(f"/api/v1/lots/{managed_lot.pk}/").status_code == 404
    assert building_apartments_private(director, building) is None
    page = client.get(f"/registry/buildings/{building.pk}/").content.decode()
    assert account not in page
    # the company's own staff page stays: it shows the removal
    assert client.get(f"/organizations/{cast.mc.pk}/staff/").status_code == 200


def test_the_buildings_and_lots_of_a_removed_mc_say_so(
    client: Client, cast: Cast, managed_lot: Lot
) -> None:
    from django.utils import translation

    _remove(cast, "inspector")
    building = Building.objects.get(cadastral_number=DEMO_A)
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        page = client.get(f"/registry/buildings/{building.pk}/").content.decode()
        assert "no valid manager" in page
        client.force_login(cast.users["inspector"])
        page = client.get(f"/lots/{managed_lot.pk}/").content.decode()
        assert "no valid management company" in page


def test_an_mc_created_outside_the_application_service_is_an_application() -> None:
    mc = ManagementCompany.objects.create(name="Qoʻlda MChJ", tin="399999999")
    assert mc.status == RegisterStatus.APPLIED
