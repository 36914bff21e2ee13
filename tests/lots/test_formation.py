"""Lot formation rules (DOMAIN.md): ≥ minimum, one region, districts together, compact,
sizes near the minimum, red spread, drafts replaced, other lots untouched."""

from __future__ import annotations

import json
import random
from io import StringIO

import pytest
from django.core.management import call_command

from buildings.models import Building
from lots.formation import (
    Point,
    baseline_region,
    bisect,
    form_region,
    mean_distance_km,
    red_share,
    red_share_std,
)
from lots.forming import lots_form
from lots.models import Lot, LotBuilding, LotStatus
from tests.lots.conftest import MIN, district

pytestmark = pytest.mark.django_db


def _cloud(
    n: int,
    seed: int = 1,
    district_id: int = 1,
    lat: float = 41.3,
    lon: float = 69.3,
    red: float = 0.2,
) -> list[Point]:
    rng = random.Random(seed)
    return [
        Point(
            i + seed * 10_000,
            district_id,
            lat + rng.gauss(0, 0.02),
            lon + rng.gauss(0, 0.02),
            rng.randint(10, 60),
            rng.random() < red,
        )
        for i in range(n)
    ]


def test_every_lot_reaches_the_minimum_and_sizes_stay_near_it() -> None:
    points = _cloud(400)
    total = sum(p.apartments for p in points)
    lots, unassigned = form_region(points, 1000)
    sizes = [sum(p.apartments for p in lot) for lot in lots]
    assert unassigned == []
    assert min(sizes) >= 1000
    # close to as many lots as the minimum allows (buildings are indivisible), mean ≤ 1.3 × min
    assert len(lots) >= 0.75 * (total // 1000)
    assert sum(sizes) / len(sizes) <= 1.3 * 1000
    assert sum(sizes) == total  # nobody lost, nobody twice
    assert len({p.id for lot in lots for p in lot}) == len(points)


def test_a_region_below_the_minimum_stays_unassigned() -> None:
    points = _cloud(10)
    lots, unassigned = form_region(points, 10_000)
    assert lots == []
    assert len(unassigned) == 10


def test_a_district_with_enough_apartments_is_not_mixed_with_another() -> None:
    big_a = _cloud(120, seed=1, district_id=1, lat=41.30)
    big_b = _cloud(120, seed=2, district_id=2, lat=41.50)
    lots, _ = form_region(big_a + big_b, 1000)
    for lot in lots:
        assert len({p.district_id for p in lot}) == 1


def test_small_districts_are_joined_with_their_nearest_neighbour() -> None:
    near = _cloud(10, seed=1, district_id=1, lat=41.30)
    also_near = _cloud(10, seed=2, district_id=2, lat=41.32)
    far = _cloud(40, seed=3, district_id=3, lat=42.30)
    lots, unassigned = form_region(
        near + also_near + far, sum(p.apartments for p in near + also_near)
    )
    assert unassigned == []
    joined = next(lot for lot in lots if any(p.district_id == 1 for p in lot))
    assert {p.district_id for p in joined} >= {1, 2}


def test_lots_are_more_compact_than_longitude_strips() -> None:
    points = _cloud(600, seed=5)
    ours, _ = form_region(points, 1500)
    assert mean_distance_km(ours) < mean_distance_km(baseline_region(points, 1500))


def test_the_literal_baseline_makes_valid_lots_and_the_per_district_one_does_not() -> None:
    small_a = _cloud(10, seed=1, district_id=1, lat=41.30)
    small_b = _cloud(10, seed=2, district_id=2, lat=41.60)
    big = _cloud(100, seed=3, district_id=3, lat=41.90)
    points = small_a + small_b + big
    minimum = sum(p.apartments for p in big) // 3
    literal = baseline_region(points, minimum)
    assert all(sum(p.apartments for p in lot) >= minimum for lot in literal)
    assert sum(len(lot) for lot in literal) == len(points)
    per_district = baseline_region(points, minimum, variant="per_district")
    assert any(sum(p.apartments for p in lot) < minimum for lot in per_district)
    grouped = baseline_region(points, minimum, variant="groups")
    assert all(sum(p.apartments for p in lot) >= minimum for lot in grouped)


def test_red_is_spread_evenly() -> None:
    # All red buildings on one side of the town: bisection alone would make a red lot.
    points = _cloud(300, seed=7, red=0.0)
    for p in points:
        p.red = p.lon > 69.31
    plain = bisect(points, sum(p.apartments for p in points) // 2000, 2000)
    balanced, _ = form_region(points, 2000)
    assert red_share_std(balanced) < red_share_std(plain)
    assert all(sum(p.apartments for p in lot) >= 2000 for lot in balanced)
    assert max(red_share(lot) for lot in balanced) < 1.0


def test_lots_form_creates_drafts_and_replaces_only_drafts(town, cast) -> None:
    yunusobod = district("UZ-TK", "Yunusobod tumani")
    town(yunusobod, 30, flats=20)  # 600 apartments → 6 lots of ≥ 100
    report = lots_form()
    assert report.lots >= 6
    assert report.min_apartments >= MIN
    assert Lot.objects.filter(status=LotStatus.DRAFT).count() == report.lots
    # every lot within one region
    for lot in Lot.objects.all():
        regions = set(
            Building.objects.filter(lot_membership__lot=lot).values_list("region_id", flat=True)
        )
        assert regions == {lot.region_id}
    approved = Lot.objects.order_by("code").first()
    assert approved is not None
    Lot.objects.filter(pk=approved.pk).update(status=LotStatus.APPROVED)
    kept = set(LotBuilding.objects.filter(lot=approved).values_list("building_id", flat=True))
    lots_form()
    approved.refresh_from_db()
    assert approved.status == LotStatus.APPROVED
    assert (
        set(LotBuilding.objects.filter(lot=approved).values_list("building_id", flat=True)) == kept
    )
    # the rerun made new drafts for the other buildings, and nothing is in two lots
    assert LotBuilding.objects.count() == LotBuilding.objects.values("building").distinct().count()


def test_uncommissioned_buildings_are_left_out(town) -> None:
    yunusobod = district("UZ-TK", "Yunusobod tumani")
    built = town(yunusobod, 10, flats=20)
    Building.objects.filter(pk=built[0].pk).update(commissioned_at=None)
    lots_form()
    assert not LotBuilding.objects.filter(building_id=built[0].pk).exists()


def test_form_lots_command_prints_the_figures(town) -> None:
    town(district("UZ-TK", "Yunusobod tumani"), 20, flats=20)
    out = StringIO()
    call_command("form_lots", "--region", "Toshkent shahri", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert set(summary) >= {
        "lots",
        "min_apartments",
        "mean_apartments",
        "max_apartments",
        "unassigned_buildings",
        "mean_distance_km",
        "red_share_std",
        "seconds",
    }
    assert summary["min_apartments"] >= MIN
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("form_lots", "--region", "Atlantis", stdout=StringIO())


def test_a_building_belongs_to_at_most_one_lot_in_the_database(town, cast) -> None:
    from django.db import IntegrityError, transaction

    building = town(district("UZ-TK", "Yunusobod tumani"), 1, flats=20)[0]
    first = Lot.objects.create(code="UZ-TK-951", region=cast.region)
    second = Lot.objects.create(code="UZ-TK-952", region=cast.region)
    LotBuilding.objects.create(lot=first, building=building)
    with pytest.raises(IntegrityError), transaction.atomic():
        LotBuilding.objects.create(lot=second, building=building)
    assert LotBuilding.objects.filter(building=building).count() == 1
