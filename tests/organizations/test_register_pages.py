"""The register: the public register (page and API, eligibility included) and an MC's
staff page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from core.money import TIYIN_PER_SOM
from lots.models import LotStatus
from lots.services import mc_remove_from_register
from mening_uyim.demo import Cast
from organizations.eligibility import requirements_of
from organizations.models import ManagementCompany, RegisterStatus
from tests.organizations.register_helpers import (
    API_REGISTER,
    REASON,
    REGISTER,
    codes,
    make_lot,
    make_mc,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def register_world(cast: Cast, national_inspector: User) -> dict[str, ManagementCompany]:
    """cast.mc registered with a managed lot, the rival removed, an application, a rejection."""
    make_lot("UZ-TK-901", cast, LotStatus.MANAGED, cast.mc)
    mc_remove_from_register(
        mc=cast.rival_mc,
        reason=REASON,
        removed_on=dt.date(2026, 5, 20),
        inspector=national_inspector,
    )
    cast.rival_mc.refresh_from_db()
    return {
        "registered": cast.mc,
        "removed": cast.rival_mc,
        "applied": make_mc(RegisterStatus.APPLIED, name="Arizachi Servis MChJ", tin="311111111"),
        "rejected": make_mc(RegisterStatus.REJECTED, name="Rad Etilgan MChJ", tin="322222222"),
    }


def test_the_register_page_lists_registered_and_removed_mcs_only(
    client: Client, register_world: dict[str, ManagementCompany]
) -> None:
    response = client.get(REGISTER)

    assert response.status_code == 200
    listed = {mc.pk for mc in response.context["page"].object_list}
    assert listed == {register_world["registered"].pk, register_world["removed"].pk}
    html = response.content.decode()
    assert escape(register_world["registered"].name) in html
    assert escape(register_world["removed"].name) in html
    assert REASON in html
    assert "20.05.2026" in html
    assert "Arizachi Servis MChJ" not in html
    assert "311111111" not in html
    assert "Rad Etilgan MChJ" not in html
    assert "322222222" not in html


def test_the_register_page_finds_an_mc_by_tin(
    client: Client, register_world: dict[str, ManagementCompany]
) -> None:
    mc = register_world["registered"]

    response = client.get(REGISTER, {"q": mc.tin})

    assert [entry.pk for entry in response.context["page"].object_list] == [mc.pk]


@pytest.mark.parametrize("hidden", ["applied", "rejected"])
def test_searching_the_register_does_not_reveal_applications_or_rejections(
    client: Client, register_world: dict[str, ManagementCompany], hidden: str
) -> None:
    mc = register_world[hidden]

    for query in (mc.tin, mc.name):
        response = client.get(REGISTER, {"q": query})
        assert list(response.context["page"].object_list) == []
        html = response.content.decode()
        assert f"<td>{escape(mc.name)}</td>" not in html  # the query is echoed in the box
        assert f"<td>{mc.tin}</td>" not in html


@pytest.mark.parametrize("status", ["registered", "removed"])
def test_the_register_page_filters_by_status(
    client: Client, register_world: dict[str, ManagementCompany], status: str
) -> None:
    response = client.get(REGISTER, {"status": status})

    assert [mc.pk for mc in response.context["page"].object_list] == [register_world[status].pk]


@pytest.mark.parametrize("status", ["applied", "rejected"])
def test_filtering_by_a_private_status_shows_nothing_private(
    client: Client, register_world: dict[str, ManagementCompany], status: str
) -> None:
    response = client.get(REGISTER, {"status": status})

    listed = {mc.pk for mc in response.context["page"].object_list}
    assert register_world[status].pk not in listed


def test_the_register_api_follows_the_same_rule(
    client: Client, register_world: dict[str, ManagementCompany]
) -> None:
    response = client.get(API_REGISTER)

    assert response.status_code == 200
    body = response.json()
    entries = {entry["tin"]: entry for entry in body["results"]}
    registered, removed = register_world["registered"], register_world["removed"]
    assert set(entries) == {registered.tin, removed.tin}
    assert body["count"] == 2
    assert entries[registered.tin] == {
        "id": registered.pk,
        "name": registered.name,
        "tin": registered.tin,
        "status": "registered",
        "lots_managed": 1,
        "eligible": True,
        "removals": [],
    }
    assert entries[removed.tin]["status"] == "removed"
    assert entries[removed.tin]["eligible"] is False
    assert entries[removed.tin]["removals"] == [{"removed_on": "2026-05-20", "reason": REASON}]


def test_the_register_api_searches_by_tin(
    client: Client, register_world: dict[str, ManagementCompany]
) -> None:
    registered, applied = register_world["registered"], register_world["applied"]

    found = client.get(API_REGISTER, {"q": registered.tin}).json()["results"]

    assert [entry["tin"] for entry in found] == [registered.tin]
    assert client.get(API_REGISTER, {"q": applied.tin}).json()["results"] == []


def test_an_ineligible_registered_mc_is_flagged_in_the_api(
    client: Client, cast: Cast, settings: Any
) -> None:
    settings.MC_MIN_OWN_FUNDS_SOM = cast.mc.own_funds_tiyin // TIYIN_PER_SOM + 1

    entries = {e["tin"]: e for e in client.get(API_REGISTER).json()["results"]}

    assert entries[cast.mc.tin]["eligible"] is False


def test_the_eligibility_api_lists_the_requirements(
    client: Client, register_world: dict[str, ManagementCompany]
) -> None:
    registered, removed = register_world["registered"], register_world["removed"]

    response = client.get(f"/api/v1/register/{registered.pk}/eligibility/")

    assert response.status_code == 200
    body = response.json()
    assert [r["code"] for r in body] == ["registered", "own_funds", "material_base", "dispatch"]
    assert all(r["ok"] for r in body)
    assert [r["requirement"] for r in body] == [r.label for r in requirements_of(registered)]

    removed_body = client.get(f"/api/v1/register/{removed.pk}/eligibility/").json()
    assert {r["code"]: r["ok"] for r in removed_body}["registered"] is False


@pytest.mark.parametrize("hidden", ["applied", "rejected"])
def test_the_eligibility_api_hides_applications_and_rejections(
    client: Client, register_world: dict[str, ManagementCompany], hidden: str
) -> None:
    response = client.get(f"/api/v1/register/{register_world[hidden].pk}/eligibility/")

    assert response.status_code == 404


def test_the_eligibility_api_answers_404_for_an_unknown_mc(client: Client, cast: Cast) -> None:
    missing = ManagementCompany.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    assert client.get(f"/api/v1/register/{missing}/eligibility/").status_code == 404


# --- the staff page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["mc_director", "mc_dispatcher", "inspector", "other_inspector", "admin"],
    indirect=True,
)
def test_the_staff_page_opens_for_the_mc_and_the_inspection(
    client: Client, cast: Cast, persona: User
) -> None:
    client.force_login(persona)
    before = snapshot()

    response = client.get(f"/organizations/{cast.mc.pk}/staff/")

    assert response.status_code == 200
    assert response.context["company"] == cast.mc
    assert codes(response.context["requirements"]) == codes(requirements_of(cast.mc))
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["rival_mc", "owner", "outsider", "council"], indirect=True)
def test_the_staff_page_is_404_for_everyone_else(client: Client, cast: Cast, persona: User) -> None:
    client.force_login(persona)
    before = snapshot()

    response = client.get(f"/organizations/{cast.mc.pk}/staff/")

    assert response.status_code == 404
    assert escape(cast.mc.name) not in response.content.decode()
    assert snapshot() == before


def test_the_staff_page_sends_anonymous_visitors_to_log_in(client: Client, cast: Cast) -> None:
    response = client.get(f"/organizations/{cast.mc.pk}/staff/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
