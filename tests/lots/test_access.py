"""Persona matrix: lots, the council's work list and every council and MC action.

Two lots: a draft holding building A (the council's working material) and a managed lot
holding building B (its MC, its owners and its councils see it), with a program item and
an open amendment. Wrong personas change nothing in any table.
"""

from __future__ import annotations

import pytest
from django.test import Client

from buildings.models import Building
from lots.models import Lot, LotBuilding, LotStatus, ProgramAmendment, ProgramItem
from mening_uyim.demo import DEMO_A, DEMO_B, Cast
from tests.access import ALL, LOGIN, Case, check

pytestmark = pytest.mark.django_db

ROUTES = {
    "lots:list",
    "lots:council",
    "lots:detail",
    "lots:propose",
    "lots:decide",
    "lots:move",
    "lots:program_item",
    "lots:program_amend",
    "lots:amendment_decide",
    "api:lots",
    "api:lot",
}


def _item(lot: Lot, building: Building) -> ProgramItem:
    item, _ = ProgramItem.objects.get_or_create(
        lot=lot,
        building=building,
        element="roof",
        defaults={"year": 1, "work": "Roof repair", "cost_tiyin": 1_000_000},
    )
    return item


def draft(c: Cast) -> Lot:
    """A draft lot holding building A, with one program item."""
    building = Building.objects.get(cadastral_number=DEMO_A)
    lot = Lot.objects.filter(code="UZ-TK-777").first()
    if lot is None:
        lot = Lot.objects.create(code="UZ-TK-777", region=c.region)
        LotBuilding.objects.create(lot=lot, building=building)
    _item(lot, building)
    return lot


def managed(c: Cast) -> Lot:
    """A lot managed by the personas' MC, holding building B, with an open amendment."""
    building = Building.objects.get(cadastral_number=DEMO_B)
    lot = Lot.objects.filter(code="UZ-TK-778").first()
    if lot is None:
        lot = Lot.objects.create(
            code="UZ-TK-778", region=c.region, status=LotStatus.MANAGED, manager=c.mc
        )
        LotBuilding.objects.create(lot=lot, building=building)
    item = _item(lot, building)
    ProgramAmendment.objects.get_or_create(
        lot=lot,
        item=item,
        defaults={
            "old_year": 1,
            "old_cost_tiyin": item.cost_tiyin,
            "new_year": 2,
            "new_cost_tiyin": 5,
            "reason": "Smeta",
            "proposed_by": c.users["mc_director"],
        },
    )
    return lot


def draft_item(c: Cast) -> int:
    return ProgramItem.objects.get(lot=draft(c)).pk


def managed_item(c: Cast) -> int:
    return ProgramItem.objects.get(lot=managed(c)).pk


def amendment(c: Cast) -> int:
    return ProgramAmendment.objects.get(lot=managed(c)).pk


SEES_DRAFT = {"default": 404, "anonymous": LOGIN, "council": 200, "inspector": 200}
SEES_MANAGED = {
    **SEES_DRAFT,
    "mc_director": 200,
    "mc_dispatcher": 200,
    "neighbour": 200,  # owns a flat in building B
}


def _api(expect: dict[str, object]) -> dict[str, object]:
    return {**expect, "anonymous": 401}


CASES = [
    Case("lots", lambda c: "/lots/", {"default": 200, "anonymous": LOGIN}),
    Case("api lots", lambda c: "/api/v1/lots/", {"default": 200, "anonymous": 401}),
    Case(
        "council work list",
        lambda c: "/lots/council/",
        {"default": 404, "anonymous": LOGIN, "council": 200, "other_council": 200},
    ),
    Case("draft lot page", lambda c: f"/lots/{draft(c).pk}/", SEES_DRAFT),
    Case("managed lot page", lambda c: f"/lots/{managed(c).pk}/", SEES_MANAGED),
    Case("api draft lot", lambda c: f"/api/v1/lots/{draft(c).pk}/", _api(SEES_DRAFT)),
    Case("api managed lot", lambda c: f"/api/v1/lots/{managed(c).pk}/", _api(SEES_MANAGED)),
    Case(
        "admin lots",
        lambda c: "/admin/lots/lot/",
        {"default": 403, "anonymous": LOGIN, "inspector": 200, "other_inspector": 200},
    ),
    Case(
        "admin managed lot",
        lambda c: f"/admin/lots/lot/{managed(c).pk}/change/",
        {"default": 403, "anonymous": LOGIN, "inspector": 200, "other_inspector": 404},
    ),
]

# Writes, by every persona but the one the action belongs to: a persona who cannot see the
# lot gets 404; one who sees it is refused with a reason (303 back to the lot page).
REFUSED_DRAFT = {"default": 404, "anonymous": LOGIN, "inspector": 303}
REFUSED_MANAGED = {
    **REFUSED_DRAFT,
    "mc_director": 303,
    "mc_dispatcher": 303,
    "neighbour": 303,
}
WRITES = [
    Case("propose", lambda c: f"/lots/{draft(c).pk}/propose/", REFUSED_DRAFT, "post"),
    Case(
        "decide",
        lambda c: f"/lots/{draft(c).pk}/decide/",
        REFUSED_DRAFT,
        "post",
        {"decision": "approve"},
    ),
    Case(
        "move",
        lambda c: f"/lots/{draft(c).pk}/move/",
        {**REFUSED_DRAFT, "inspector": (303, 404)},
        "post",
        {"building": "1", "to_lot": "1"},
    ),
    Case(
        "edit a draft program item",
        lambda c: f"/lots/{draft(c).pk}/program/{draft_item(c)}/",
        REFUSED_DRAFT,
        "post",
        {"year": "2", "cost_som": "1"},
    ),
    Case(
        "edit an approved program item in place",
        lambda c: f"/lots/{managed(c).pk}/program/{managed_item(c)}/",
        {**REFUSED_MANAGED, "council": 303},
        "post",
        {"year": "2", "cost_som": "1"},
    ),
    Case(
        "propose an amendment",
        lambda c: f"/lots/{managed(c).pk}/program/{managed_item(c)}/amend/",
        {**REFUSED_MANAGED, "council": 303},  # the item already has an open amendment
        "post",
        {"year": "3", "cost_som": "1", "reason": "x"},
    ),
    Case(
        "decide an amendment",
        lambda c: f"/lots/{managed(c).pk}/amendments/{amendment(c)}/decide/",
        REFUSED_MANAGED,
        "post",
        {"decision": "approve"},
    ),
]


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(client, cast, key, case)


OWN = {
    "propose": {"council"},
    "decide": {"council"},
    "move": {"council"},
    "edit a draft program item": {"council"},
    "decide an amendment": {"council"},
}
WRITE_PAIRS = [(key, case) for case in WRITES for key in ALL if key not in OWN.get(case.name, ())]


@pytest.mark.parametrize(
    ("key", "case"), WRITE_PAIRS, ids=[f"{c.name}-{k}" for k, c in WRITE_PAIRS]
)
def test_writes_by_the_wrong_persona_change_nothing(
    client: Client, cast: Cast, key: str, case: Case
) -> None:
    """The council's own actions are tested in test_approval.py and test_finality.py."""
    check(client, cast, key, case)
