"""The building admin is a path like any other (issue point 6): what a service owns is
routed through it or read-only. Posts are made as the region's ``inspector`` (and, where
the region scope would hide the rule, as the national administrator)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.test import Client

from accounts.models import User
from buildings.models import ELEMENTS, Apartment, Building, ConditionAssessment, Ownership
from buildings.services import (
    MSG_ASSESSED_IN_FUTURE,
    MSG_MOVE_LOCKED_LOT,
    MSG_MOVE_OUTSIDE_SCOPE,
    MSG_NEEDS_ELEVATOR_WEAR,
    MSG_PASSPORT_OF_COMMISSIONED,
    assessment_record,
)
from mening_uyim.demo import DEMO_A, Cast
from territory.models import District
from tests.buildings.conftest import wear

pytestmark = pytest.mark.django_db

ADD_ASSESSMENT = "/admin/buildings/conditionassessment/add/"


def change_url(building: Building) -> str:
    return f"/admin/buildings/building/{building.pk}/change/"


def form_data(client: Client, url: str) -> dict[str, Any]:
    """What the change form would post unchanged, read from the page's own form."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {"_save": "Save"}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    return data


def stored(building: Building) -> dict[str, Any]:
    return dict(Building.objects.filter(pk=building.pk).values().get())


def form_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, "expected the form again, with its errors"
    return {k: [str(m) for m in v] for k, v in response.context["adminform"].form.errors.items()}


@pytest.fixture
def building_a(cast: Cast) -> Building:
    return Building.objects.get(cadastral_number=DEMO_A)


def in_lot(cast: Cast, building: Building, status: str = "managed") -> str:
    from lots.models import Lot, LotBuilding

    lot = Lot.objects.create(code="UZ-TK-960", region=cast.region, status=status)
    LotBuilding.objects.create(lot=lot, building=building)
    return lot.code


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- region and district ---------------------------------------------------------------------


def test_the_inspector_cannot_move_a_building_of_a_managed_lot_to_another_district(
    client: Client, cast: Cast, building_a: Building
) -> None:
    code = in_lot(cast, building_a)
    login(client, cast.users["inspector"])
    data = form_data(client, change_url(building_a))
    data["district"] = District.objects.get(region=cast.region, name="Chilonzor tumani").pk
    before = stored(building_a)

    response = client.post(change_url(building_a), data)

    assert form_errors(response)["district"] == [
        str(MSG_MOVE_LOCKED_LOT % {"lot": code, "status": "managed"})
    ]
    assert stored(building_a) == before


def test_the_inspector_cannot_move_a_building_of_a_managed_lot_to_samarkand(
    client: Client, cast: Cast, building_a: Building
) -> None:
    in_lot(cast, building_a)
    login(client, cast.users["inspector"])
    data = form_data(client, change_url(building_a))
    data["region"] = cast.other_region.pk
    data["district"] = District.objects.get(region=cast.other_region, name="Samarqand shahri").pk
    before = stored(building_a)

    response = client.post(change_url(building_a), data)

    assert form_errors(response)["region"] == [str(MSG_MOVE_OUTSIDE_SCOPE)]
    assert stored(building_a) == before


def test_not_even_the_national_administrator_moves_a_building_of_a_managed_lot(
    client: Client, cast: Cast, building_a: Building
) -> None:
    code = in_lot(cast, building_a)
    login(client, cast.users["admin"])
    data = form_data(client, change_url(building_a))
    data["region"] = cast.other_region.pk
    data["district"] = District.objects.get(region=cast.other_region, name="Samarqand shahri").pk
    before = stored(building_a)

    response = client.post(change_url(building_a), data)

    assert form_errors(response)["region"] == [
        str(MSG_MOVE_LOCKED_LOT % {"lot": code, "status": "managed"})
    ]
    assert stored(building_a) == before


def test_the_inspector_cannot_move_a_building_out_of_their_region(
    client: Client, cast: Cast, make_building
) -> None:
    building = make_building()  # Tashkent, no lot
    login(client, cast.users["inspector"])
    data = form_data(client, change_url(building))
    data["region"] = cast.other_region.pk
    data["district"] = District.objects.get(region=cast.other_region, name="Samarqand shahri").pk
    before = stored(building)

    response = client.post(change_url(building), data)

    assert form_errors(response)["region"] == [str(MSG_MOVE_OUTSIDE_SCOPE)]
    assert stored(building) == before


def test_a_district_of_another_region_is_refused(client: Client, cast: Cast, make_building) -> None:
    building = make_building()  # Tashkent, no lot
    login(client, cast.users["inspector"])
    data = form_data(client, change_url(building))
    data["district"] = District.objects.get(region=cast.other_region, name="Samarqand shahri").pk
    before = stored(building)

    response = client.post(change_url(building), data)

    assert list(form_errors(response)) == ["district"]
    assert stored(building) == before


@pytest.mark.parametrize("status", [None, "draft"])
def test_the_inspector_moves_a_building_within_the_region_when_no_lot_holds_it(
    client: Client, cast: Cast, building_a: Building, status: str | None
) -> None:
    if status:
        in_lot(cast, building_a, status)
    login(client, cast.users["inspector"])
    data = form_data(client, change_url(building_a))
    chilonzor = District.objects.get(region=cast.region, name="Chilonzor tumani")
    data["district"] = chilonzor.pk

    response = client.post(change_url(building_a), data)

    assert response.status_code == 302, form_errors(response)
    assert Building.objects.get(pk=building_a.pk).district == chilonzor


# --- elevator, passport, derived figures ------------------------------------------------------


def test_clearing_the_elevator_flag_reclassifies_the_building(
    client: Client, cast: Cast, make_building
) -> None:
    building = make_building(has_elevator=True)
    assessment_record(building=building, assessed_on=dt.date(2026, 5, 1), wear=wear(elevators=95))
    assert Building.objects.get(pk=building.pk).classification == "yellow"  # elevators > 60
    login(client, cast.users["inspector"])
    data = form_data(client, change_url(building))
    del data["has_elevator"]

    response = client.post(change_url(building), data)

    assert response.status_code == 302, form_errors(response)
    after = Building.objects.get(pk=building.pk)
    assert after.has_elevator is False
    assert (after.classification, after.overall_wear) == ("green", Decimal("10.00"))


def test_the_passport_of_a_commissioned_building_cannot_be_cleared(
    client: Client, cast: Cast, building_a: Building
) -> None:
    assert building_a.is_commissioned
    assert building_a.cadastral_passport
    login(client, cast.users["inspector"])
    data = form_data(client, change_url(building_a))
    del data["cadastral_passport"]
    before = stored(building_a)

    response = client.post(change_url(building_a), data)

    assert form_errors(response)["cadastral_passport"] == [str(MSG_PASSPORT_OF_COMMISSIONED)]
    assert stored(building_a) == before


def test_the_passport_of_a_building_not_yet_commissioned_may_be_cleared(
    client: Client, cast: Cast, make_building
) -> None:
    building = make_building()
    login(client, cast.users["inspector"])
    data = form_data(client, change_url(building))
    del data["cadastral_passport"]

    response = client.post(change_url(building), data)

    assert response.status_code == 302, form_errors(response)
    assert Building.objects.get(pk=building.pk).cadastral_passport is False


def test_areas_and_apartments_count_are_read_only(
    client: Client, cast: Cast, building_a: Building
) -> None:
    in_lot(cast, building_a)
    login(client, cast.users["inspector"])
    data = form_data(client, change_url(building_a))
    assert not {"living_area_m2", "total_area_m2", "apartments_count"} & set(data)
    data.update(living_area_m2="1", total_area_m2="1", apartments_count="1")
    before = stored(building_a)

    response = client.post(change_url(building_a), data)

    assert response.status_code == 302
    assert stored(building_a) == before  # nothing changed at all (no field did)


def test_an_ordinary_edit_goes_through_the_service_and_is_saved(
    client: Client, cast: Cast, building_a: Building
) -> None:
    in_lot(cast, building_a)
    login(client, cast.users["inspector"])
    data = form_data(client, change_url(building_a))
    data["address"] = "Yunusobod tumani, Amir Temur koʻchasi, 107A-uy"
    data["floors"] = 10

    response = client.post(change_url(building_a), data)

    assert response.status_code == 302, form_errors(response)
    after = Building.objects.get(pk=building_a.pk)
    assert (after.address, after.floors) == (data["address"], 10)


def test_buildings_are_not_added_in_the_admin(client: Client, cast: Cast) -> None:
    login(client, cast.users["admin"])

    assert client.get("/admin/buildings/building/add/").status_code == 403


# --- assessments ----------------------------------------------------------------------------


def assessment_data(building: Building, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "building": building.pk,
        "assessed_on": "2026-06-01",
        **{e: "10" for e in ELEMENTS},
        "assessor_name": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def assessment_state(building: Building) -> tuple[Any, ...]:
    return (
        ConditionAssessment.objects.filter(building=building).count(),
        Building.objects.values_list("classification", "overall_wear", "latest_assessment_id").get(
            pk=building.pk
        ),
    )


def test_an_assessment_dated_in_2099_is_refused_in_the_admin(
    client: Client, cast: Cast, building_a: Building
) -> None:
    login(client, cast.users["inspector"])
    before = assessment_state(building_a)

    response = client.post(ADD_ASSESSMENT, assessment_data(building_a, assessed_on="2099-01-01"))

    assert form_errors(response)["assessed_on"] == [str(MSG_ASSESSED_IN_FUTURE)]
    assert assessment_state(building_a) == before


def test_an_elevator_buildings_assessment_without_elevator_wear_is_refused(
    client: Client, cast: Cast, building_a: Building
) -> None:
    assert building_a.has_elevator
    login(client, cast.users["inspector"])
    before = assessment_state(building_a)

    response = client.post(ADD_ASSESSMENT, assessment_data(building_a, elevators=""))

    assert form_errors(response)["elevators"] == [str(MSG_NEEDS_ELEVATOR_WEAR)]
    assert assessment_state(building_a) == before


def test_both_refusals_of_the_issue_are_shown_together(
    client: Client, cast: Cast, building_a: Building
) -> None:
    login(client, cast.users["inspector"])
    before = assessment_state(building_a)

    response = client.post(
        ADD_ASSESSMENT, assessment_data(building_a, assessed_on="2099-01-01", elevators="")
    )

    assert set(form_errors(response)) == {"assessed_on", "elevators"}
    assert assessment_state(building_a) == before


def test_an_assessment_with_two_decimals_is_refused_in_the_admin(
    client: Client, cast: Cast, building_a: Building
) -> None:
    login(client, cast.users["inspector"])
    before = assessment_state(building_a)

    response = client.post(ADD_ASSESSMENT, assessment_data(building_a, walls="60.04"))

    assert "walls" in form_errors(response)
    assert assessment_state(building_a) == before


def test_a_valid_assessment_goes_through_the_service_and_reclassifies(
    client: Client, cast: Cast, building_a: Building
) -> None:
    login(client, cast.users["inspector"])

    response = client.post(ADD_ASSESSMENT, assessment_data(building_a, roof="71"))

    assert response.status_code == 302, form_errors(response)
    latest = ConditionAssessment.objects.get(building=building_a, assessed_on=dt.date(2026, 6, 1))
    assert (latest.source, latest.assessor) == ("inspector", cast.users["inspector"])
    after = Building.objects.get(pk=building_a.pk)
    assert (after.latest_assessment, after.classification) == (latest, "red")  # roof > 70


def test_a_recorded_assessment_is_read_only_in_the_admin(
    client: Client, cast: Cast, building_a: Building
) -> None:
    login(client, cast.users["admin"])
    latest = building_a.latest_assessment
    assert latest is not None
    before = (ConditionAssessment.objects.filter(pk=latest.pk).values().get(), stored(building_a))

    client.post(
        f"/admin/buildings/conditionassessment/{latest.pk}/change/",
        assessment_data(building_a, assessed_on=str(latest.assessed_on), walls="99"),
    )

    after = (ConditionAssessment.objects.filter(pk=latest.pk).values().get(), stored(building_a))
    assert after == before


def test_an_inspector_cannot_assess_a_building_of_another_region(
    client: Client, cast: Cast, building_a: Building
) -> None:
    login(client, cast.users["other_inspector"])
    before = assessment_state(building_a)

    response = client.post(ADD_ASSESSMENT, assessment_data(building_a))

    assert "building" in form_errors(response)
    assert assessment_state(building_a) == before


# --- apartments and ownership ---------------------------------------------------------------


def test_an_apartment_area_edited_in_the_admin_updates_the_building(
    client: Client, cast: Cast, make_building
) -> None:
    building = make_building(flats=3)
    apartment = building.apartments.get(number="2")
    login(client, cast.users["admin"])
    url = f"/admin/buildings/apartment/{apartment.pk}/change/"
    data = form_data(client, url)
    data["area_m2"] = "65.50"

    response = client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert Apartment.objects.get(pk=apartment.pk).area_m2 == Decimal("65.50")
    after = Building.objects.get(pk=building.pk)
    assert (after.apartments_count, after.living_area_m2) == (3, Decimal("165.50"))


def test_apartments_are_neither_added_nor_deleted_in_the_admin(
    client: Client, cast: Cast, make_building
) -> None:
    apartment = make_building(flats=1).apartments.get()
    login(client, cast.users["admin"])

    assert client.get("/admin/buildings/apartment/add/").status_code == 403
    url = f"/admin/buildings/apartment/{apartment.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Apartment.objects.filter(pk=apartment.pk).exists()


def test_ownership_rows_are_read_only_in_the_admin(client: Client, cast: Cast) -> None:
    login(client, cast.users["admin"])
    row = Ownership.objects.filter(apartment__building__cadastral_number=DEMO_A).first()
    assert row is not None
    before = Ownership.objects.filter(pk=row.pk).values().get()

    assert client.get("/admin/buildings/ownership/add/").status_code == 403
    client.post(
        f"/admin/buildings/ownership/{row.pk}/change/",
        {"apartment": row.apartment_id, "person": row.person_id, "since": "1990-01-01"},
    )

    assert Ownership.objects.filter(pk=row.pk).values().get() == before


@pytest.mark.parametrize("key", ["inspector", "admin"])
def test_the_registry_admin_pages_still_open(client: Client, cast: Cast, key: str) -> None:
    building = Building.objects.get(cadastral_number=DEMO_A)
    assessment = building.latest_assessment
    apartment = building.apartments.first()
    ownership = Ownership.objects.filter(apartment__building=building).first()
    assert assessment is not None
    assert apartment is not None
    assert ownership is not None
    login(client, cast.users[key])

    for url in [
        change_url(building),
        ADD_ASSESSMENT,
        f"/admin/buildings/conditionassessment/{assessment.pk}/change/",
        f"/admin/buildings/apartment/{apartment.pk}/change/",
        f"/admin/buildings/ownership/{ownership.pk}/change/",
        "/admin/buildings/ownership/",
    ]:
        assert client.get(url).status_code == 200, url
