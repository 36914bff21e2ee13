"""Council approval (DOMAIN.md): propose, approve/reject, multi-district approval, moves
validated by the formation rules, composition locked; outsiders get 404 and change nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role
from accounts.services import membership_grant
from buildings.models import Building
from lots.forming import lots_form
from lots.models import CouncilDecision, Lot, LotBuilding, LotStatus, LotStatusChange
from lots.selectors import with_totals
from lots.services import (
    MSG_NOT_DRAFT,
    LotError,
    lot_apartment_rows,
    lot_building_move,
    lot_decide,
    lot_propose,
)
from mening_uyim.demo import Cast
from tests.factories import UserFactory
from tests.lots.conftest import district

pytestmark = pytest.mark.django_db


def _state() -> tuple:
    return (
        tuple(Lot.objects.order_by("pk").values_list("pk", "status", "approval_round")),
        tuple(LotBuilding.objects.order_by("pk").values_list("lot_id", "building_id")),
        CouncilDecision.objects.count(),
        LotStatusChange.objects.count(),
    )


@pytest.fixture
def yunusobod_lots(cast: Cast, town) -> list[Lot]:
    """Draft lots of the council persona's district (Yunusobod)."""
    town(district("UZ-TK", "Yunusobod tumani"), 16, flats=25)  # 400 apartments → 4 lots
    lots_form()
    lots = list(Lot.objects.filter(members__building__district__name="Yunusobod tumani").distinct())
    assert len(lots) >= 2
    return lots


def test_the_council_proposes_and_approves_its_lot(cast: Cast, yunusobod_lots) -> None:
    lot = yunusobod_lots[0]
    council = cast.users["council"]
    lot_propose(lot=lot, by=council)
    lot.refresh_from_db()
    assert lot.status == LotStatus.PROPOSED
    lot_decide(lot=lot, by=council, approve=True, comment="OK")
    lot.refresh_from_db()
    assert lot.status == LotStatus.APPROVED
    assert lot.approved_at is not None
    assert list(lot.history.values_list("from_status", "to_status")) == [
        ("draft", "proposed"),
        ("proposed", "approved"),
    ]


def test_a_rejection_sends_the_lot_back_to_draft(cast: Cast, yunusobod_lots) -> None:
    lot = yunusobod_lots[0]
    lot_propose(lot=lot, by=cast.users["council"])
    lot_decide(lot=lot, by=cast.users["council"], approve=False, comment="Too far apart")
    lot.refresh_from_db()
    assert lot.status == LotStatus.DRAFT
    last = lot.history.last()
    assert last is not None
    assert last.comment == "Too far apart"


def test_a_lot_of_two_districts_needs_both_councils(cast: Cast, town) -> None:
    # Two small districts joined into one lot.
    town(district("UZ-TK", "Yunusobod tumani"), 2, flats=30)
    town(district("UZ-TK", "Mirzo Ulugʻbek tumani"), 2, flats=30, lat0=41.33, lon0=69.33)
    lots_form()
    lot = (
        Lot.objects.filter(members__building__district__name="Mirzo Ulugʻbek tumani")
        .distinct()
        .get()
    )
    assert lot.members.values("building__district").distinct().count() == 2
    other = UserFactory.create()
    membership_grant(
        user=other,
        role=Role.COUNCIL_MEMBER,
        district_id=district("UZ-TK", "Mirzo Ulugʻbek tumani").pk,
    )
    lot_propose(lot=lot, by=cast.users["council"])
    lot_decide(lot=lot, by=cast.users["council"], approve=True)
    lot.refresh_from_db()
    assert lot.status == LotStatus.PROPOSED  # one council is not enough
    with pytest.raises(LotError):
        lot_decide(lot=lot, by=cast.users["council"], approve=True)  # no second vote
    lot_decide(lot=lot, by=other, approve=True)
    lot.refresh_from_db()
    assert lot.status == LotStatus.APPROVED


@pytest.mark.parametrize("key", ["mc_director", "inspector", "owner", "other_council"])
def test_only_the_lots_councils_decide(cast: Cast, yunusobod_lots, key: str) -> None:
    lot = yunusobod_lots[0]
    lot_propose(lot=lot, by=cast.users["council"])
    before = _state()
    with pytest.raises(LotError):
        lot_decide(lot=lot, by=cast.users[key], approve=True)
    assert _state() == before


def test_moving_a_building_between_draft_lots(cast: Cast, town) -> None:
    from lots.program import program_generate

    buildings = town(district("UZ-TK", "Yunusobod tumani"), 12, flats=25)
    a = Lot.objects.create(code="UZ-TK-801", region=cast.region)
    b = Lot.objects.create(code="UZ-TK-802", region=cast.region)
    LotBuilding.objects.bulk_create(
        [LotBuilding(lot=a, building=x) for x in buildings[:8]]
        + [LotBuilding(lot=b, building=x) for x in buildings[8:]]
    )
    for lot in (a, b):
        program_generate(lot=lot)
    lot_building_move(building=buildings[0], to_lot=b, by=cast.users["council"])
    totals = dict(
        with_totals(Lot.objects.filter(pk__in=[a.pk, b.pk])).values_list("pk", "apartments")  # type: ignore[misc]
    )
    assert (totals[a.pk], totals[b.pk]) == (175, 125)
    assert LotBuilding.objects.get(building=buildings[0]).lot_id == b.pk
    last = b.history.last()
    assert last is not None
    assert last.comment.startswith("+ ")


def test_a_move_that_leaves_a_lot_too_small_is_refused_with_the_count(
    cast: Cast, yunusobod_lots, settings
) -> None:
    a, b = yunusobod_lots[0], yunusobod_lots[1]
    # lot a is exactly at the minimum: taking any building out leaves it short
    rows = lot_apartment_rows(a)
    settings.LOT_MIN_APARTMENTS = rows
    building = Building.objects.filter(lot_membership__lot=a).first()
    assert building is not None
    before = _state()
    with pytest.raises(LotError) as exc:
        lot_building_move(building=building, to_lot=b, by=cast.users["council"])
    assert str(rows - building.apartments.count()) in exc.value.message
    assert _state() == before


def test_approval_locks_the_composition(cast: Cast, yunusobod_lots) -> None:
    a, b = yunusobod_lots[0], yunusobod_lots[1]
    lot_propose(lot=a, by=cast.users["council"])
    lot_decide(lot=a, by=cast.users["council"], approve=True)
    building = Building.objects.filter(lot_membership__lot=a).first()
    assert building is not None
    with pytest.raises(LotError) as exc:
        lot_building_move(building=building, to_lot=b, by=cast.users["council"])
    a.refresh_from_db()
    assert exc.value.message == str(MSG_NOT_DRAFT % {"status": a.get_status_display()})
    # and re-forming never touches it
    kept = set(LotBuilding.objects.filter(lot=a).values_list("building_id", flat=True))
    lots_form()
    assert set(LotBuilding.objects.filter(lot=a).values_list("building_id", flat=True)) == kept


def test_pages_and_outsiders(client: Client, cast: Cast, yunusobod_lots) -> None:
    lot = yunusobod_lots[0]
    for key, expected in [
        ("council", 200),
        ("inspector", 200),
        ("other_council", 404),
        ("other_inspector", 404),
        ("mc_director", 404),
        ("rival_mc", 404),
        ("owner", 404),
    ]:
        client.force_login(cast.users[key])
        assert client.get(f"/lots/{lot.pk}/").status_code == expected, key
    before = _state()
    client.force_login(cast.users["other_council"])
    assert client.post(f"/lots/{lot.pk}/propose/").status_code == 404
    client.force_login(cast.users["mc_director"])
    assert client.post(f"/lots/{lot.pk}/decide/", {"decision": "approve"}).status_code == 404
    assert _state() == before
    client.force_login(cast.users["council"])
    assert client.post(f"/lots/{lot.pk}/propose/").status_code == 302
    assert client.post(f"/lots/{lot.pk}/decide/", {"decision": "reject"}).status_code == 303
    lot.refresh_from_db()
    assert lot.status == LotStatus.PROPOSED  # a rejection needs a comment
    assert client.post(f"/lots/{lot.pk}/decide/", {"decision": "approve"}).status_code == 302
    lot.refresh_from_db()
    assert lot.status == LotStatus.APPROVED


def test_owners_see_their_lot_once_approved(client: Client, cast: Cast, town) -> None:
    town(district("UZ-TK", "Yunusobod tumani"), 2, flats=20)
    lots_form()
    lot = Lot.objects.filter(members__building__cadastral_number="DEMO:TK:000A").first()
    assert lot is not None
    client.force_login(cast.users["owner"])
    assert client.get(f"/lots/{lot.pk}/").status_code == 404  # a draft is internal
    Lot.objects.filter(pk=lot.pk).update(status=LotStatus.APPROVED)
    assert client.get(f"/lots/{lot.pk}/").status_code == 200
    client.force_login(cast.users["outsider"])
    assert client.get(f"/lots/{lot.pk}/").status_code == 404
