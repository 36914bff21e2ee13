"""Races between council actions, on PostgreSQL with real threads (issue 8, points 4 and 5).

Every service of lots that takes a lock has a test here: locks are taken in id order, so
two opposite actions never deadlock, and every rule is re-checked under the lock.
"""

from __future__ import annotations

from functools import partial

import pytest

from lots.forming import lots_form
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
    lot_building_move,
    lot_decide,
    lot_propose,
    program_amendment_decide,
    program_amendment_propose,
    program_item_update,
)
from mening_uyim.demo import Cast
from tests.concurrency import race
from tests.lots.conftest import district

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _lots_of(cast: Cast, town, *, n: int, code: str) -> list[Lot]:
    buildings = town(district("UZ-TK", "Yunusobod tumani"), 4 * n, flats=50)
    lots = []
    for i in range(n):
        lot = Lot.objects.create(code=f"{code}-{i}", region=cast.region)
        LotBuilding.objects.bulk_create(
            [LotBuilding(lot=lot, building=b) for b in buildings[4 * i : 4 * i + 4]]
        )
        lots.append(lot)
    return lots


def test_two_opposite_moves_do_not_deadlock(cast: Cast, town) -> None:
    a, b = _lots_of(cast, town, n=2, code="UZ-TK-A")
    council = cast.users["council"]
    for _round in range(5):
        from_a = LotBuilding.objects.filter(lot=a).order_by("pk").first()
        from_b = LotBuilding.objects.filter(lot=b).order_by("pk").first()
        assert from_a is not None
        assert from_b is not None
        one, other = from_a.building, from_b.building
        outcomes = race(
            partial(lot_building_move, building=one, to_lot=b, by=council),
            partial(lot_building_move, building=other, to_lot=a, by=council),
        )
        assert outcomes == ["ok", "ok"], outcomes
    assert LotBuilding.objects.filter(lot__in=[a, b]).count() == 8


def test_two_councils_approving_at_once_approve_the_lot_once(cast: Cast, town) -> None:
    yun = town(district("UZ-TK", "Yunusobod tumani"), 2, flats=50)
    chi = town(district("UZ-TK", "Chilonzor tumani"), 2, flats=50)
    lot = Lot.objects.create(code="UZ-TK-B-1", region=cast.region)
    LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in yun + chi])
    lot_propose(lot=lot, by=cast.users["council"])
    outcomes = race(
        lambda: lot_decide(lot=lot, by=cast.users["council"], approve=True),
        lambda: lot_decide(lot=lot, by=cast.users["other_council"], approve=True),
    )
    assert outcomes == ["ok", "ok"]
    lot.refresh_from_db()
    assert lot.status == LotStatus.APPROVED
    assert lot.history.filter(to_status=LotStatus.APPROVED).count() == 1


def test_an_edit_racing_the_last_approval_never_approves_an_unseen_program(
    cast: Cast, town
) -> None:
    """Council A approves while council B edits: either B's edit came first (a new round,
    A's approval counts for the edited program) or A's approval came first (the edit then
    opens a new round). The lot is never approved with a program one council did not see."""
    import datetime as dt

    from buildings.services import assessment_record
    from tests.buildings.conftest import wear

    for attempt in range(4):
        yun = town(district("UZ-TK", "Yunusobod tumani"), 2, flats=50)
        chi = town(district("UZ-TK", "Chilonzor tumani"), 2, flats=50)
        lot = Lot.objects.create(code=f"UZ-TK-C-{attempt}", region=cast.region)
        LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in yun + chi])
        assessment_record(building=chi[0], assessed_on=dt.date(2026, 1, 1), wear=wear(roof=75))
        program_generate(lot=lot)
        item = ProgramItem.objects.get(lot=lot)
        lot_propose(lot=lot, by=cast.users["other_council"])
        lot_decide(lot=lot, by=cast.users["other_council"], approve=True)
        outcomes = race(
            partial(lot_decide, lot=lot, by=cast.users["council"], approve=True),
            partial(
                program_item_update,
                item=item,
                year=4,
                cost_tiyin=99_00,
                by=cast.users["other_council"],
            ),
        )
        lot.refresh_from_db()
        assert "error" not in " ".join(outcomes), outcomes
        if lot.status == LotStatus.APPROVED:
            # the edit must have come before every approval of the final round
            item.refresh_from_db()
            decided = CouncilDecision.objects.filter(lot=lot, approval_round=lot.approval_round)
            assert decided.count() == 2
            assert all(d.at >= item.updated_at for d in decided)
        else:
            assert lot.status == LotStatus.PROPOSED
            assert lot.approval_round == 2


def test_re_forming_never_deletes_a_lot_proposed_meanwhile(cast: Cast, town) -> None:
    _lots_of(cast, town, n=3, code="UZ-TK-D")
    target = Lot.objects.filter(code="UZ-TK-D-1").get()
    members = set(LotBuilding.objects.filter(lot=target).values_list("building_id", flat=True))
    outcomes = race(
        lambda: lot_propose(lot=target, by=cast.users["council"]),
        lambda: lots_form(),
    )
    assert "error" not in " ".join(outcomes), outcomes
    survivor = Lot.objects.filter(pk=target.pk).first()
    if survivor is not None and survivor.status == LotStatus.PROPOSED:
        # the proposal won: the lot and its buildings stay as the council proposed them
        assert members == set(
            LotBuilding.objects.filter(lot=survivor).values_list("building_id", flat=True)
        )
    else:  # re-forming won: the draft was replaced, and the proposal found it gone
        assert outcomes[0].startswith("refused") or survivor is None, outcomes
    codes = list(Lot.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))


def test_two_formation_runs_at_once_issue_distinct_codes(cast: Cast, town) -> None:
    town(district("UZ-TK", "Yunusobod tumani"), 8, flats=50)
    town(district("UZ-SA", "Samarqand shahri"), 8, flats=50)
    from territory.models import Region

    tashkent, samarkand = Region.objects.get(code="UZ-TK"), Region.objects.get(code="UZ-SA")
    outcomes = race(lambda: lots_form(region=tashkent), lambda: lots_form(region=samarkand))
    assert outcomes == ["ok", "ok"], outcomes
    outcomes = race(lambda: lots_form(region=tashkent), lambda: lots_form(region=tashkent))
    assert "error" not in " ".join(outcomes), outcomes
    codes = list(Lot.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))


def test_two_councils_approving_an_amendment_at_once_apply_it_once(cast: Cast, town) -> None:
    import datetime as dt

    from buildings.services import assessment_record
    from tests.buildings.conftest import wear

    yun = town(district("UZ-TK", "Yunusobod tumani"), 2, flats=50)
    chi = town(district("UZ-TK", "Chilonzor tumani"), 2, flats=50)
    lot = Lot.objects.create(code="UZ-TK-E-1", region=cast.region)
    LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in yun + chi])
    assessment_record(building=yun[0], assessed_on=dt.date(2026, 1, 1), wear=wear(roof=75))
    program_generate(lot=lot)
    lot_propose(lot=lot, by=cast.users["council"])
    lot_decide(lot=lot, by=cast.users["council"], approve=True)
    lot_decide(lot=lot, by=cast.users["other_council"], approve=True)
    item = ProgramItem.objects.get(lot=lot)
    amendment = program_amendment_propose(
        item=item, year=5, cost_tiyin=123_00, reason="Smeta", by=cast.users["council"]
    )
    outcomes = race(
        lambda: program_amendment_decide(
            amendment=amendment, by=cast.users["council"], approve=True
        ),
        lambda: program_amendment_decide(
            amendment=amendment, by=cast.users["other_council"], approve=True
        ),
    )
    assert outcomes == ["ok", "ok"]
    amendment.refresh_from_db()
    item.refresh_from_db()
    assert amendment.status == AmendmentStatus.APPROVED
    assert (item.year, item.cost_tiyin) == (5, 123_00)
    # and a second amendment proposed twice at once: one is refused by the constraint
    outcomes = race(
        lambda: program_amendment_propose(
            item=item, year=1, cost_tiyin=1, reason="a", by=cast.users["council"]
        ),
        lambda: program_amendment_propose(
            item=item, year=2, cost_tiyin=2, reason="b", by=cast.users["other_council"]
        ),
    )
    assert sorted(o.split(":")[0] for o in outcomes) == ["ok", "refused"], outcomes
    assert ProgramAmendment.objects.filter(item=item, status=AmendmentStatus.OPEN).count() == 1


def test_two_inspectors_removing_an_mc_at_once_remove_it_once(cast: Cast) -> None:
    import datetime as dt

    from accounts.models import Role
    from accounts.services import membership_grant
    from lots.services import mc_remove_from_register
    from organizations.models import Removal
    from tests.factories import UserFactory

    lot = Lot.objects.create(
        code="UZ-TK-F-1", region=cast.region, status=LotStatus.MANAGED, manager=cast.mc
    )
    national = UserFactory.create()
    membership_grant(user=national, role=Role.INSPECTOR, region_id=None)
    outcomes = race(
        *(
            partial(
                mc_remove_from_register,
                mc=cast.mc,
                reason="Ijara shartnomasi",
                removed_on=dt.date(2026, 11, 30),
                inspector=who,
            )
            for who in (cast.users["inspector"], national)
        )
    )
    assert sorted(o.split(":")[0] for o in outcomes) == ["ok", "refused"], outcomes
    assert Removal.objects.filter(company=cast.mc).count() == 1
    assert lot.history.filter(to_status=LotStatus.REELECTION).count() == 1


def test_two_inspectors_verifying_an_application_at_once_decide_once(cast: Cast) -> None:
    from organizations.models import RegisterStatus
    from organizations.services import mc_verify
    from tests.factories import ManagementCompanyFactory

    mc = ManagementCompanyFactory.create(status=RegisterStatus.APPLIED)
    outcomes = race(
        partial(mc_verify, mc=mc, inspector=cast.users["inspector"], accept=True),
        partial(mc_verify, mc=mc, inspector=cast.users["other_inspector"], accept=False),
    )
    assert sorted(o.split(":")[0] for o in outcomes) == ["ok", "refused"], outcomes
    mc.refresh_from_db()
    assert mc.status in (RegisterStatus.REGISTERED, RegisterStatus.REJECTED)
