"""Every page and endpoint against every persona (ARCHITECTURE.md "Tests").

Anonymous → the login page (or 401/403 on the API); a wrong persona → 404 (or 403) and no
change in the database; the right persona → 200.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import Membership, Person, User
from mening_uyim.demo import DEMO_A, Cast
from tests.personas import PERSONA_KEYS

pytestmark = pytest.mark.django_db

ALL = ("anonymous", *PERSONA_KEYS)
LOGIN = "login"


def snapshot() -> tuple:
    return (
        tuple(User.objects.order_by("pk").values_list("pk", "email", "phone", "is_staff")),
        tuple(Person.objects.order_by("pk").values_list("pk", "pinfl", "phone")),
        tuple(Membership.objects.order_by("pk").values_list("pk", "role", "revoked_at")),
    )


def lot_a(c: Cast) -> int:
    """A draft lot holding building A (Yunusobod): made on first use."""
    from buildings.models import Building
    from lots.models import Lot, LotBuilding

    lot = Lot.objects.filter(members__building__cadastral_number=DEMO_A).first()
    if lot is None:
        lot = Lot.objects.create(code="UZ-TK-777", region=c.region)
        LotBuilding.objects.create(lot=lot, building=Building.objects.get(cadastral_number=DEMO_A))
    return lot.pk


def building_a(c: Cast) -> int:
    from buildings.models import Building

    return Building.objects.get(cadastral_number=DEMO_A).pk


Page = tuple[str, Callable[[Cast], str], dict[str, object]]

# (name, url builder, {persona: expected}); a persona not listed expects the "default".
PAGES: list[Page] = [
    ("home", lambda c: "/", {"default": 200}),
    ("profile", lambda c: "/me/profile/", {"default": 200, "anonymous": LOGIN}),
    (
        "own company staff",
        lambda c: f"/organizations/{c.mc.pk}/staff/",
        {
            "default": 404,
            "anonymous": LOGIN,
            "mc_director": 200,
            "mc_dispatcher": 200,
            "inspector": 200,
            "other_inspector": 200,
        },
    ),
    (
        "rival company staff",
        lambda c: f"/organizations/{c.rival_mc.pk}/staff/",
        {
            "default": 404,
            "anonymous": LOGIN,
            "rival_mc": 200,
            "inspector": 200,
            "other_inspector": 200,
        },
    ),
    (
        "council work list",
        lambda c: "/lots/council/",
        {"default": 404, "anonymous": LOGIN, "council": 200, "other_council": 200},
    ),
    (
        "inspection console",
        lambda c: "/admin/",
        {"default": 403, "anonymous": LOGIN, "inspector": 200, "other_inspector": 200},
    ),
    ("api me", lambda c: "/api/v1/me/", {"default": 200, "anonymous": 401}),
    ("api schema", lambda c: "/api/schema/", {"default": 200}),
    ("api docs", lambda c: "/api/docs/", {"default": 200}),
    ("healthz", lambda c: "/healthz", {"default": 200}),
    ("my apartments", lambda c: "/registry/my-apartments/", {"default": 200, "anonymous": LOGIN}),
    ("building page", lambda c: f"/registry/buildings/{building_a(c)}/", {"default": 200}),
    ("building list", lambda c: "/registry/buildings/?region=UZ-TK", {"default": 200}),
    ("map", lambda c: "/registry/map/", {"default": 200}),
    ("map points", lambda c: "/registry/map/points.json?region=UZ-TK", {"default": 200}),
    (
        "admin buildings",
        lambda c: "/admin/buildings/building/",
        {"default": 403, "anonymous": LOGIN, "inspector": 200, "other_inspector": 200},
    ),
    (
        "admin building A",
        lambda c: f"/admin/buildings/building/{building_a(c)}/change/",
        {"default": 403, "anonymous": LOGIN, "inspector": 200, "other_inspector": 404},
    ),
    (
        "admin apartments",
        lambda c: "/admin/buildings/apartment/",
        {"default": 403, "anonymous": LOGIN, "inspector": 200, "other_inspector": 200},
    ),
    ("api buildings", lambda c: "/api/v1/buildings/?region=UZ-TK", {"default": 200}),
    ("register", lambda c: "/organizations/", {"default": 200}),
    ("apply", lambda c: "/organizations/apply/", {"default": 200, "anonymous": LOGIN}),
    ("api register", lambda c: "/api/v1/register/", {"default": 200}),
    ("lots", lambda c: "/lots/", {"default": 200, "anonymous": LOGIN}),
    ("api lots", lambda c: "/api/v1/lots/", {"default": 200, "anonymous": 401}),
    (
        "lot page",
        lambda c: f"/lots/{lot_a(c)}/",
        {"default": 404, "anonymous": LOGIN, "council": 200, "inspector": 200},
    ),
    (
        "api lot",
        lambda c: f"/api/v1/lots/{lot_a(c)}/",
        {"default": 404, "anonymous": 401, "council": 200, "inspector": 200},
    ),
    ("api building", lambda c: f"/api/v1/buildings/{building_a(c)}/", {"default": 200}),
    ("api my apartments", lambda c: "/api/v1/me/apartments/", {"default": 200, "anonymous": 401}),
    ("api assessments", lambda c: "/api/v1/assessments/", {"default": 200, "anonymous": 401}),
]


@pytest.mark.parametrize("persona", ALL, indirect=True)
@pytest.mark.parametrize(("name", "url", "expect"), PAGES, ids=[p[0] for p in PAGES])
def test_page_access(
    client: Client,
    cast: Cast,
    persona: User | None,
    name: str,
    url,
    expect,
) -> None:
    key = "anonymous" if persona is None else next(k for k, u in cast.users.items() if u == persona)
    expected = expect.get(key, expect["default"])
    if persona is not None:
        client.force_login(persona)
    target = url(cast)
    before = snapshot()
    response = client.get(target, follow=(expected == 403 and key != "anonymous"))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/"))
    else:
        assert response.status_code == expected, (name, key)
    assert snapshot() == before


WRITES = [
    ("profile phone", "post", lambda c: "/me/profile/", {"phone": "+998909999999"}),
    ("api me phone", "patch", lambda c: "/api/v1/me/", {"phone": "+998909999999"}),
]


@pytest.mark.parametrize(("name", "method", "url", "data"), WRITES, ids=[w[0] for w in WRITES])
def test_anonymous_writes_change_nothing(
    client: Client, cast: Cast, name, method, url, data
) -> None:
    before = snapshot()
    response = (
        getattr(client, method)(url(cast), data, content_type="application/json")
        if method == "patch"
        else client.post(url(cast), data)
    )
    assert response.status_code in (302, 401, 403)
    assert snapshot() == before


@pytest.mark.parametrize("key", PERSONA_KEYS)
def test_home_page_query_count_is_pinned(
    client: Client,
    cast: Cast,
    key: str,
    django_assert_max_num_queries,
) -> None:
    client.force_login(cast.users[key])
    with django_assert_max_num_queries(6):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("key", ALL)
def test_turar_joy_import_endpoint_by_persona(client: Client, cast: Cast, key: str) -> None:
    """Only inspectors import; a regional inspector only for their region."""
    import json as _json

    from django.core.files.uploadedfile import SimpleUploadedFile

    line = {
        "kind": "building",
        "cadastral_number": "MATRIX:1",
        "region": "UZ-TK",
        "district": "Yunusobod tumani",
        "address": "Test",
        "lat": 41.36,
        "lon": 69.29,
        "year_built": 1990,
        "floors": 5,
        "entrances": 1,
        "wall_material": "brick",
        "has_elevator": False,
        "cadastral_passport": True,
        "solar_panels": False,
        "solar_transferred": False,
        "apartments": [{"number": "1", "area_m2": 50, "rooms": 2}],
    }
    upload = SimpleUploadedFile("tj.jsonl", _json.dumps(line).encode(), "application/jsonl")
    if key != "anonymous":
        client.force_login(cast.users[key])
    before = snapshot()
    from buildings.models import Building

    count = Building.objects.count()
    response = client.post("/api/v1/turar-joy/import/", {"file": upload})
    expected = {"anonymous": 401, "inspector": 200, "other_inspector": 400}.get(key, 403)
    assert response.status_code == expected
    assert Building.objects.count() == count + (1 if expected == 200 else 0)
    if expected != 200:
        assert snapshot() == before


LOT_WRITES = [
    ("propose", lambda lot: f"/lots/{lot}/propose/", {}),
    ("decide", lambda lot: f"/lots/{lot}/decide/", {"decision": "approve"}),
    ("move", lambda lot: f"/lots/{lot}/move/", {"building": "1", "to_lot": "1"}),
    ("program", lambda lot: f"/lots/{lot}/program/1/", {"year": "2", "cost_som": "1"}),
]


@pytest.mark.parametrize("persona", [k for k in ALL if k != "council"], indirect=True)
@pytest.mark.parametrize(("name", "url", "data"), LOT_WRITES, ids=[w[0] for w in LOT_WRITES])
def test_lot_actions_by_anyone_but_the_council_change_nothing(
    client: Client, cast: Cast, persona: User | None, name: str, url, data
) -> None:
    from lots.models import CouncilDecision, Lot, LotBuilding

    lot = lot_a(cast)
    if persona is not None:
        client.force_login(persona)

    def state() -> tuple:
        return (
            tuple(Lot.objects.values_list("pk", "status", "approval_round")),
            tuple(LotBuilding.objects.values_list("lot_id", "building_id")),
            CouncilDecision.objects.count(),
        )

    before = state()
    response = client.post(url(lot), data)
    if persona is None:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif persona == cast.users["inspector"]:
        # the region's inspector sees the lot, but only councils decide: refused with a
        # reason (303 back to the lot), or 404 for an item that is not in this lot
        assert response.status_code in (303, 404)
    else:
        assert response.status_code == 404
    assert state() == before
