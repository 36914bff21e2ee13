"""`check_registry --json` (issue 8, point 3): silent on a consistent registry, non-zero
with the ids on any drift of a cached figure or a lot that breaks the rules."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from buildings.models import Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import Cast
from tests.lots.conftest import district

pytestmark = pytest.mark.django_db


def _run(capsys) -> tuple[int, dict]:
    code = 0
    try:
        call_command("check_registry", "--json")
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(capsys.readouterr().out)


def test_a_consistent_registry_passes(cast: Cast, capsys) -> None:
    code, report = _run(capsys)
    assert code == 0
    assert report["ok"] is True
    assert report["buildings"]["apartments_count"]["count"] == 0


def test_a_building_count_that_differs_from_its_rows_is_reported(cast: Cast, capsys) -> None:
    building = Building.objects.order_by("pk").first()
    assert building is not None
    Building.objects.filter(pk=building.pk).update(apartments_count=building.apartments_count + 26)
    code, report = _run(capsys)
    assert code == 1
    assert report["buildings"]["apartments_count"]["ids"] == [building.pk]


def test_a_lot_past_draft_that_breaks_the_rules_is_reported(cast: Cast, town, capsys) -> None:
    here = town(district("UZ-TK", "Yunusobod tumani"), 4, flats=25)
    far = town(district("UZ-SA", "Samarqand shahri"), 1, flats=25)
    lot = Lot.objects.create(code="UZ-TK-990", region=cast.region, status=LotStatus.APPROVED)
    LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in here + far])
    small = Lot.objects.create(code="UZ-TK-991", region=cast.region, status=LotStatus.MANAGED)
    LotBuilding.objects.create(
        lot=small, building=town(district("UZ-TK", "Yunusobod tumani"), 1, flats=5)[0]
    )
    code, report = _run(capsys)
    assert code == 1
    assert report["lots"]["lots_outside_their_region"]["codes"] == ["UZ-TK-990"]
    assert report["lots"]["lots_undersized"]["codes"] == ["UZ-TK-991"]
