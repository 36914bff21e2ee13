"""Re-forming lots next to council work (issue 8, point 4): drafts with council work are
not discarded silently, history survives, and a lot code is never issued twice."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from lots.errors import LotError
from lots.forming import lots_form
from lots.models import CouncilDecision, Lot, LotBuilding, LotStatus, LotStatusChange
from lots.services import lot_building_move, lot_decide, lot_propose
from mening_uyim.demo import Cast
from tests.lots.conftest import district

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(cast: Cast, town) -> list[Lot]:
    town(district("UZ-TK", "Yunusobod tumani"), 16, flats=25)  # 400 apartments → 4 lots
    lots_form()
    return list(Lot.objects.filter(status=LotStatus.DRAFT).order_by("code"))


def _state() -> tuple:
    return (
        tuple(Lot.objects.order_by("pk").values_list("pk", "code", "status")),
        tuple(LotBuilding.objects.order_by("pk").values_list("lot_id", "building_id")),
        LotStatusChange.objects.count(),
        CouncilDecision.objects.count(),
    )


def test_drafts_without_council_work_are_replaced_with_new_codes(drafts: list[Lot]) -> None:
    first = {lot.code for lot in drafts}
    lots_form()
    second = set(Lot.objects.values_list("code", flat=True))
    assert second
    assert not first & second  # a code names one set of buildings: never issued again


def test_a_draft_with_a_council_move_is_not_discarded_silently(
    cast: Cast, drafts: list[Lot], settings
) -> None:
    a, b = drafts[0], drafts[1]
    building = LotBuilding.objects.filter(lot=a).first()
    assert building is not None
    settings.LOT_MIN_APARTMENTS = 50  # room to move one building out
    lot_building_move(building=building.building, to_lot=b, by=cast.users["council"])
    before = _state()
    with pytest.raises(LotError) as exc:
        lots_form()
    assert a.code in exc.value.message
    assert b.code in exc.value.message
    assert _state() == before
    with pytest.raises(CommandError):
        call_command("form_lots")
    assert _state() == before


def test_force_keeps_the_council_work_on_record(cast: Cast, drafts: list[Lot]) -> None:
    lot = drafts[0]
    lot_propose(lot=lot, by=cast.users["council"])
    lot_decide(lot=lot, by=cast.users["council"], approve=False, comment="Too far apart")
    lot.refresh_from_db()
    assert lot.status == LotStatus.DRAFT
    history = list(lot.history.values_list("pk", flat=True))
    report = lots_form(force=True)
    assert report.discarded_drafts == 1
    lot.refresh_from_db()
    assert lot.status == LotStatus.DISCARDED
    assert not LotBuilding.objects.filter(lot=lot).exists()
    assert set(history) <= set(lot.history.values_list("pk", flat=True))
    assert CouncilDecision.objects.filter(lot=lot, comment="Too far apart").exists()
    assert not Lot.objects.filter(code=lot.code).exclude(pk=lot.pk).exists()


def test_proposed_lots_are_never_touched(cast: Cast, drafts: list[Lot]) -> None:
    lot = drafts[0]
    lot_propose(lot=lot, by=cast.users["council"])
    members = set(LotBuilding.objects.filter(lot=lot).values_list("building_id", flat=True))
    lots_form()
    lot.refresh_from_db()
    assert lot.status == LotStatus.PROPOSED
    assert members == set(LotBuilding.objects.filter(lot=lot).values_list("building_id", flat=True))


def test_codes_continue_after_the_regions_own_and_ignore_other_shapes(cast: Cast) -> None:
    """A counter created over existing lots continues after the highest code of the
    region's own form; a code of another shape (a benchmark's) neither breaks nor moves it."""
    from lots.forming import lot_codes_issue
    from lots.models import LotCodeCounter
    from territory.models import Region

    region = Region.objects.get(code="UZ-SI")
    LotCodeCounter.objects.filter(region=region).delete()
    Lot.objects.create(code="UZ-SI-041", region=region)
    Lot.objects.create(code="BENCH-B7000", region=region)
    Lot.objects.create(code="UZ-SI-X", region=region)
    assert lot_codes_issue(region_id=region.pk, count=2) == ["UZ-SI-042", "UZ-SI-043"]
