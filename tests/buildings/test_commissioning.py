"""Commissioning rule (DOMAIN.md): a cadastral passport, and solar panels transferred."""

from __future__ import annotations

import pytest
from django.test import Client

from buildings.models import Building
from buildings.services import (
    MSG_ALREADY_COMMISSIONED,
    MSG_NO_PASSPORT,
    MSG_SOLAR_NOT_TRANSFERRED,
    RegistryError,
    building_commission,
)
from mening_uyim.demo import Cast

pytestmark = pytest.mark.django_db


def test_a_building_with_passport_and_no_panels_is_commissioned(make_building, cast: Cast) -> None:
    building = make_building()
    done = building_commission(building=building, by=cast.users["inspector"])
    assert done.commissioned_at is not None
    assert done.commissioned_by == cast.users["inspector"]


def test_refusal_names_every_missing_condition(make_building) -> None:
    building = make_building(cadastral_passport=False, solar_panels=True, solar_transferred=False)
    with pytest.raises(RegistryError) as exc:
        building_commission(building=building, by=None)
    assert exc.value.messages == [str(MSG_NO_PASSPORT), str(MSG_SOLAR_NOT_TRANSFERRED)]
    building.refresh_from_db()
    assert building.commissioned_at is None


def test_missing_passport_alone_is_refused(make_building) -> None:
    building = make_building(cadastral_passport=False)
    with pytest.raises(RegistryError) as exc:
        building_commission(building=building, by=None)
    assert exc.value.messages == [str(MSG_NO_PASSPORT)]


def test_untransferred_solar_panels_alone_are_refused(make_building) -> None:
    building = make_building(solar_panels=True, solar_transferred=False)
    with pytest.raises(RegistryError) as exc:
        building_commission(building=building, by=None)
    assert exc.value.messages == [str(MSG_SOLAR_NOT_TRANSFERRED)]


def test_transferred_solar_panels_pass(make_building) -> None:
    building = make_building(solar_panels=True, solar_transferred=True)
    assert building_commission(building=building, by=None).commissioned_at is not None


def test_commissioning_twice_is_refused(make_building) -> None:
    building = make_building()
    building_commission(building=building, by=None)
    with pytest.raises(RegistryError) as exc:
        building_commission(building=building, by=None)
    assert exc.value.messages == [str(MSG_ALREADY_COMMISSIONED)]


def test_the_admin_action_commissions_in_region_and_reports_refusals(
    client: Client, cast: Cast, make_building
) -> None:
    good = make_building()
    bad = make_building(cadastral_passport=False)
    client.force_login(cast.users["inspector"])
    response = client.post(
        "/admin/buildings/building/",
        {"action": "commission", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    assert response.status_code == 200
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.commissioned_at is not None
    assert bad.commissioned_at is None
    assert bad.cadastral_number in response.content.decode()


def test_an_inspector_cannot_commission_outside_their_region(
    client: Client, cast: Cast, make_building
) -> None:
    building = make_building()  # Tashkent
    client.force_login(cast.users["other_inspector"])  # Samarkand
    client.post(
        "/admin/buildings/building/",
        {"action": "commission", "_selected_action": [building.pk]},
    )
    assert Building.objects.get(pk=building.pk).commissioned_at is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_inspectors_commissioning_at_once_commission_once(make_building, cast: Cast) -> None:
    import threading

    from django.db import connection

    building = make_building()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def commission(key: str) -> None:
        try:
            barrier.wait()
            building_commission(building=building, by=cast.users[key])
            outcomes.append("done")
        except RegistryError as exc:
            outcomes.append("refused:" + exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=commission, args=(k,)) for k in ("inspector", "admin")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["done", f"refused:{MSG_ALREADY_COMMISSIONED}"]
