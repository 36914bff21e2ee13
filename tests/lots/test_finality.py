"""Approval is final (issue 8, points 1 and 2): what is approved is what every council saw,
an approved program changes only by an amendment that every council approves again, and
proposing and approving re-check the lot rules against the current rows."""

from __future__ import annotations

import pytest

from buildings.models import Apartment, Building
from core.money import format_som
from lots.models import (
    AmendmentStatus,
    CouncilDecision,
    Lot,
    LotBuilding,
    LotStatus,
    ProgramAmendment,
    ProgramItem,
)
from lots.program import program_generate
from lots.services import (
    MSG_AMEND_OPEN,
    MSG_NEW_ROUND,
    MSG_NOT_YOUR_DISTRICT,
    LotError,
    lot_decide,
    lot_propose,
    program_amendment_decide,
    program_amendment_propose,
    program_item_update,
)
from mening_uyim.demo import Cast
from tests.buildings.conftest import wear
from tests.lots.conftest import MIN, district

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_district_lot(cast: Cast, town) -> Lot:
    """A draft lot of 4 Yunusobod and 4 Chilonzor buildings (25 flats each), with items."""
    import datetime as dt

    from buildings.services import assessment_record

    yun = town(district("UZ-TK", "Yunusobod tumani"), 4, flats=25)
    chi = town(district("UZ-TK", "Chilonzor tumani"), 4, flats=25)
    lot = Lot.objects.create(code="UZ-TK-950", region=cast.region, tariff_tiyin_per_m2=120_000)
    LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in yun + chi])
    for b in (yun[0], chi[0]):
        assessment_record(building=b, assessed_on=dt.date(2026, 1, 1), wear=wear(roof=72))
    program_generate(lot=lot)
    assert ProgramItem.objects.filter(lot=lot).count() == 2
    return lot


def _approve_by_both(cast: Cast, lot: Lot) -> None:
    lot_propose(lot=lot, by=cast.users["council"])
    lot_decide(lot=lot, by=cast.users["council"], approve=True)
    lot_decide(lot=lot, by=cast.users["other_council"], approve=True)
    lot.refresh_from_db()
    assert lot.status == LotStatus.APPROVED


def test_an_edit_after_one_approval_starts_a_new_round(cast: Cast, two_district_lot: Lot) -> None:
    """Council A approves; council B edits an item; the lot is NOT approved when B approves:
    A's approval was given to another program, and the history says why."""
    lot = two_district_lot
    lot_propose(lot=lot, by=cast.users["council"])
    lot_decide(lot=lot, by=cast.users["council"], approve=True)
    item = ProgramItem.objects.filter(lot=lot).order_by("pk").first()
    assert item is not None
    program_item_update(item=item, year=3, cost_tiyin=777_00, by=cast.users["other_council"])
    lot.refresh_from_db()
    assert lot.approval_round == 2
    last = lot.history.order_by("at", "id").last()
    assert last is not None
    # "earlier approvals no longer count", in whatever language is active
    assert last.comment == str(
        MSG_NEW_ROUND % {"item": item.work, "year": 3, "cost": format_som(777_00), "round": 2}
    )
    lot_decide(lot=lot, by=cast.users["other_council"], approve=True)
    lot.refresh_from_db()
    assert lot.status == LotStatus.PROPOSED  # council A must approve the edited program
    lot_decide(lot=lot, by=cast.users["council"], approve=True)
    lot.refresh_from_db()
    assert lot.status == LotStatus.APPROVED
    assert CouncilDecision.objects.filter(lot=lot, approval_round=2).count() == 2


@pytest.mark.parametrize("status", [LotStatus.APPROVED, LotStatus.MANAGED])
@pytest.mark.parametrize("key", ["council", "mc_director"])
def test_an_approved_program_cannot_be_edited_in_place(
    cast: Cast, two_district_lot: Lot, status: LotStatus, key: str
) -> None:
    lot = two_district_lot
    Lot.objects.filter(pk=lot.pk).update(status=status, manager=cast.mc)
    item = ProgramItem.objects.filter(lot=lot).first()
    assert item is not None
    before = list(ProgramItem.objects.values_list("pk", "year", "cost_tiyin"))
    with pytest.raises(LotError):
        program_item_update(item=item, year=5, cost_tiyin=1, by=cast.users[key])
    assert list(ProgramItem.objects.values_list("pk", "year", "cost_tiyin")) == before


def test_an_amendment_takes_effect_only_when_every_council_approves(
    cast: Cast, two_district_lot: Lot
) -> None:
    lot = two_district_lot
    _approve_by_both(cast, lot)
    Lot.objects.filter(pk=lot.pk).update(status=LotStatus.MANAGED, manager=cast.mc)
    item = ProgramItem.objects.filter(lot=lot).order_by("pk").first()
    assert item is not None
    in_force = (item.year, item.cost_tiyin)
    amendment = program_amendment_propose(
        item=item, year=4, cost_tiyin=5_000_00, reason="Smeta", by=cast.users["mc_director"]
    )
    program_amendment_decide(amendment=amendment, by=cast.users["council"], approve=True)
    item.refresh_from_db()
    assert (item.year, item.cost_tiyin) == in_force  # the approved version stays in force
    program_amendment_decide(amendment=amendment, by=cast.users["other_council"], approve=True)
    item.refresh_from_db()
    amendment.refresh_from_db()
    assert (item.year, item.cost_tiyin) == (4, 5_000_00)
    assert amendment.status == AmendmentStatus.APPROVED
    assert (amendment.old_year, amendment.old_cost_tiyin) == in_force
    comments = " ".join(lot.history.values_list("comment", flat=True))
    assert f"#{amendment.pk}" in comments


def test_a_rejected_amendment_leaves_the_item_as_approved(cast: Cast, two_district_lot) -> None:
    lot = two_district_lot
    _approve_by_both(cast, lot)
    item = ProgramItem.objects.filter(lot=lot).first()
    assert item is not None
    in_force = (item.year, item.cost_tiyin)
    amendment = program_amendment_propose(
        item=item, year=5, cost_tiyin=1, reason="Later", by=cast.users["council"]
    )
    with pytest.raises(LotError):  # one open amendment per item
        program_amendment_propose(
            item=item, year=2, cost_tiyin=2, reason="Again", by=cast.users["council"]
        )
    program_amendment_decide(amendment=amendment, by=cast.users["other_council"], approve=False)
    item.refresh_from_db()
    assert (item.year, item.cost_tiyin) == in_force
    assert ProgramAmendment.objects.get(pk=amendment.pk).status == AmendmentStatus.REJECTED
    with pytest.raises(LotError):
        program_amendment_decide(amendment=amendment, by=cast.users["council"], approve=True)


@pytest.mark.parametrize("key", ["owner", "rival_mc", "inspector", "other_inspector"])
def test_only_the_lots_councils_and_mc_propose_amendments(
    cast: Cast, two_district_lot: Lot, key: str
) -> None:
    lot = two_district_lot
    _approve_by_both(cast, lot)
    item = ProgramItem.objects.filter(lot=lot).first()
    assert item is not None
    with pytest.raises(LotError):
        program_amendment_propose(item=item, year=5, cost_tiyin=1, reason="x", by=cast.users[key])
    assert not ProgramAmendment.objects.exists()


def test_only_the_lots_councils_decide_amendments(cast: Cast, two_district_lot: Lot) -> None:
    lot = two_district_lot
    _approve_by_both(cast, lot)
    item = ProgramItem.objects.filter(lot=lot).first()
    assert item is not None
    amendment = program_amendment_propose(
        item=item, year=5, cost_tiyin=1, reason="x", by=cast.users["council"]
    )
    with pytest.raises(LotError) as exc:
        program_amendment_decide(amendment=amendment, by=cast.users["mc_director"], approve=True)
    assert exc.value.message == str(MSG_NOT_YOUR_DISTRICT)
    assert not amendment.decisions.exists()
    assert str(MSG_AMEND_OPEN)  # the message constant exists for the UI


# --- point 2: the rules, re-checked against the rows ---------------------------------------


def test_proposing_an_undersized_lot_is_refused_by_how_much(cast: Cast, town) -> None:
    buildings = town(district("UZ-TK", "Yunusobod tumani"), 2, flats=36)  # 72 < MIN
    lot = Lot.objects.create(code="UZ-TK-960", region=cast.region)
    LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in buildings])
    with pytest.raises(LotError) as exc:
        lot_propose(lot=lot, by=cast.users["council"])
    assert "72" in exc.value.message
    assert str(MIN - 72) in exc.value.message
    lot.refresh_from_db()
    assert lot.status == LotStatus.DRAFT
    assert not lot.history.exists()


def test_approving_rechecks_the_size_against_the_apartment_rows(
    cast: Cast, two_district_lot: Lot, settings
) -> None:
    """Flats removed from the registry after proposing: the approval is refused, whatever
    a cached counter says."""
    lot = two_district_lot
    settings.LOT_MIN_APARTMENTS = 200  # exactly the lot's size
    lot_propose(lot=lot, by=cast.users["council"])
    building = Building.objects.filter(lot_membership__lot=lot).first()
    assert building is not None
    Apartment.objects.filter(building=building).delete()
    with pytest.raises(LotError) as exc:
        lot_decide(lot=lot, by=cast.users["council"], approve=True)
    assert "175" in exc.value.message
    assert "25" in exc.value.message
    assert not CouncilDecision.objects.filter(lot=lot).exists()


def test_a_lot_spanning_two_regions_is_refused(cast: Cast, two_district_lot: Lot, town) -> None:
    lot = two_district_lot
    far = town(district("UZ-SA", "Samarqand shahri"), 1, flats=25)[0]
    LotBuilding.objects.create(lot=lot, building=far)
    with pytest.raises(LotError) as exc:
        lot_propose(lot=lot, by=cast.users["council"])
    assert "2" in exc.value.message
    assert far.region.name in exc.value.message
    lot.refresh_from_db()
    assert lot.status == LotStatus.DRAFT


def test_the_history_shows_officials_by_role_and_district_not_by_login(
    client, cast: Cast, two_district_lot: Lot
) -> None:
    """Issue 8, point 12: an owner reads the lot's history without officials' logins."""
    from django.utils import translation

    from mening_uyim.demo import DEMO_A

    lot = two_district_lot
    LotBuilding.objects.create(lot=lot, building=Building.objects.get(cadastral_number=DEMO_A))
    _approve_by_both(cast, lot)
    owner = cast.users["owner"]  # owns a flat in building A
    client.force_login(owner)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get(f"/lots/{lot.pk}/").content.decode()
    assert "council@demo.uz" not in page
    assert "other-council@demo.uz" not in page
    assert "District council member, Yunusobod tumani" in page
    assert "District council member, Chilonzor tumani" in page


@pytest.mark.parametrize("status", [LotStatus.PROPOSED, LotStatus.APPROVED, LotStatus.MANAGED])
def test_a_program_past_draft_is_never_generated_again(
    two_district_lot: Lot, status: LotStatus
) -> None:
    lot = two_district_lot
    Lot.objects.filter(pk=lot.pk).update(status=status)
    before = list(ProgramItem.objects.filter(lot=lot).values_list("pk", "year", "cost_tiyin"))
    with pytest.raises(LotError):
        program_generate(lot=lot)
    assert (
        list(ProgramItem.objects.filter(lot=lot).values_list("pk", "year", "cost_tiyin")) == before
    )


def test_the_council_proposes_and_decides_an_amendment_on_the_lot_page(
    client, cast: Cast, two_district_lot: Lot
) -> None:
    lot = two_district_lot
    _approve_by_both(cast, lot)
    item = ProgramItem.objects.filter(lot=lot).order_by("pk").first()
    assert item is not None
    client.force_login(cast.users["council"])
    page = client.get(f"/lots/{lot.pk}/").content.decode()
    assert f"/lots/{lot.pk}/program/{item.pk}/amend/" in page
    response = client.post(
        f"/lots/{lot.pk}/program/{item.pk}/amend/",
        {"year": "5", "cost_som": "700", "reason": "Smeta"},
    )
    assert response.status_code == 302
    amendment = ProgramAmendment.objects.get(item=item)
    assert (amendment.new_year, amendment.new_cost_tiyin) == (5, 70_000)
    response = client.post(
        f"/lots/{lot.pk}/amendments/{amendment.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 302
    assert amendment.decisions.count() == 1
    item.refresh_from_db()
    assert item.year != 5  # Chilonzor has not decided yet
