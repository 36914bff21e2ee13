"""`seed_demo` reaches every lot status (mening_uyim.demo_lots, demo_voting's open election)
through the services, once, and each persona finds their example: the council persona a
proposed lot awaiting their decision, a demo owner an election they can vote in, the
Tashkent inspector every status, every council of a lot past draft a login that works.

The world is the demo's at a small scale (tests/demo_world.py) with one more draft lot of
four Tashkent districts, each big enough for a lot at the test minimum (100 apartments), as
formation leaves the rest of Tashkent city at the demo scale: forming the region again with
building D gives four drafts (D's, the election's, the re-election's and one left a draft).
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Membership, Role, User
from buildings.models import Building
from lots.models import CouncilDecision, Lot, LotBuilding, LotStatus, LotStatusChange
from lots.services import lot_decide, lot_district_ids
from mening_uyim.demo import DEMO_A, Cast
from mening_uyim.demo_lots import DEMO_D, THIRD_MC_TIN, spare_draft
from mening_uyim.demo_voting import OPEN_ELECTION_BALLOTS, VOTER_EMAIL
from organizations.models import ManagementCompany, RegisterStatus, Removal
from tests.demo_world import _buildings, page_as, row_counts
from tests.personas import PASSWORD
from voting.models import Ballot, Election, ElectionStatus

pytestmark = pytest.mark.django_db

STATUSES = ("draft", "proposed", "approved", "election", "managed", "reelection")
MORE_DISTRICTS = ("Bektemir tumani", "Yashnobod tumani", "Mirobod tumani", "Sirgʻali tumani")


@pytest.fixture
def every_status_world(
    cast: Cast, demo_world: tuple[Lot, Lot], make_building: Any
) -> tuple[Lot, Lot]:
    lot, second = demo_world
    rest = Lot.objects.create(code="UZ-TK-002", region=cast.region)
    buildings = [b for name in MORE_DISTRICTS for b in _buildings(make_building, name, 4, 30)]
    LotBuilding.objects.bulk_create([LotBuilding(lot=rest, building=b) for b in buildings])
    return lot, second


def _seed() -> tuple[str, dict[str, Any]]:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", "--json", stdout=out, stderr=err)
    return err.getvalue(), json.loads(out.getvalue())


def _signs_in(email: str, password: str) -> bool:
    cache.clear()  # the login rate limit counts every attempt of this test's one address
    response = Client().post("/accounts/login/", {"login": email, "password": password})
    return response.status_code == 302


def test_seed_demo_reaches_every_lot_status_once_with_an_example_for_each_persona(
    cast: Cast, every_status_world: tuple[Lot, Lot], settings: Any
) -> None:
    lot_a, chilonzor = every_status_world
    said, summary = _seed()
    rows = row_counts(("accounts", "organizations", "buildings", "lots", "voting"))
    again, summary_again = _seed()
    assert again == ""  # a second run: nothing to say, and no row more
    assert row_counts(("accounts", "organizations", "buildings", "lots", "voting")) == rows
    assert summary_again["lots"] == summary["lots"]
    assert "Traceback" not in said
    assert "stays a draft" not in said
    assert "holds no open election" not in said

    # Every status, through the services: each lot's last recorded change (in the order
    # made) is to its status.
    by_status = {s: list(Lot.objects.filter(status=s).order_by("code")) for s in STATUSES}
    assert [s for s in STATUSES if not by_status[s]] == []
    assert all(summary["lots"][s] >= 1 for s in STATUSES)
    for lot in Lot.objects.exclude(status=LotStatus.DRAFT):
        last = LotStatusChange.objects.filter(lot=lot).order_by("pk").last()
        assert last is not None, lot.code
        assert last.to_status == lot.status, lot.code
    lot_a.refresh_from_db()
    chilonzor.refresh_from_db()
    assert (lot_a.status, chilonzor.status) == (LotStatus.MANAGED, LotStatus.APPROVED)

    # 1. Building D's lot is proposed, approved by every council but Yunusobod's: the
    # council persona finds it on their work list, with the decision form.
    council = cast.users["council"]
    [proposed] = by_status["proposed"]
    assert proposed.members.filter(building__cadastral_number=DEMO_D).exists()
    assert cast.district.pk in lot_district_ids(proposed)
    decided = set(
        CouncilDecision.objects.filter(
            lot=proposed, approval_round=proposed.approval_round
        ).values_list("district_id", flat=True)
    )
    assert decided == lot_district_ids(proposed) - {cast.district.pk}
    work_list = page_as(council, "/lots/council/")
    assert f'href="/lots/{proposed.pk}/"' in work_list
    assert "status-proposed" in work_list
    assert f"/lots/{proposed.pk}/decide/" in page_as(council, f"/lots/{proposed.pk}/")

    # 2. The lot in election: open, in its voting window, the personas' MC and the rival
    # standing, the first ballots cast; the demo voter signs in and votes.
    [in_election] = by_status["election"]
    election = Election.objects.get(lot=in_election, status=ElectionStatus.OPEN)
    now = timezone.now()
    assert election.nomination_ends_at <= now < election.voting_ends_at
    assert set(election.candidates.values_list("company", flat=True)) == {
        cast.mc.pk,
        cast.rival_mc.pk,
    }
    assert election.ballots.count() == OPEN_ELECTION_BALLOTS
    voter = User.objects.get(email=VOTER_EMAIL)
    assert voter.person.ownerships.filter(
        apartment__building__lot_membership__lot=in_election, until__isnull=True
    ).exists()
    assert not election.ballots.filter(person=voter.person).exists()
    assert _signs_in(VOTER_EMAIL, settings.DEMO_PASSWORD)
    assert f"/voting/elections/{election.pk}/" in page_as(voter, "/voting/")
    assert f"/voting/elections/{election.pk}/ballot/" in page_as(
        voter, f"/voting/elections/{election.pk}/"
    )
    page_as(voter, f"/lots/{in_election.pk}/")  # owners see the lot once it is approved
    client = Client()
    client.force_login(voter)
    candidate = election.candidates.get(company=cast.mc)
    client.post(f"/voting/elections/{election.pk}/ballot/", {"candidate": candidate.pk})
    assert Ballot.objects.filter(election=election, person=voter.person).exists()

    # 3. The lot in re-election: its interim company removed from the register by the
    # Tashkent inspector; its councils may open the election again.
    [reelection] = by_status["reelection"]
    company = ManagementCompany.objects.get(tin=THIRD_MC_TIN)
    assert company.status == RegisterStatus.REMOVED
    assert reelection.manager == company
    assert Removal.objects.get(company=company).inspector == cast.users["inspector"]
    assert reelection.elections.get().outcome == "no_candidates"
    district = min(lot_district_ids(reelection))
    its_council = Membership.objects.active().get(role=Role.COUNCIL_MEMBER, district_id=district)
    page = page_as(its_council.user, f"/lots/{reelection.pk}/")
    assert f"/voting/lots/{reelection.pk}/open/" in page
    assert "notice-error" in page  # the company was removed from the register

    # 4. The Tashkent inspector sees every status; the Samarkand one none of these lots.
    listing = page_as(cast.users["inspector"], "/lots/")
    assert [s for s in STATUSES if f"status-{s}" not in listing] == []
    assert "UZ-TK-" not in page_as(cast.users["other_inspector"], "/lots/")

    # 5. Every district of every lot past draft has a council whose login signs in with
    # the demo password (the personas' own districts: the council personas, whose password
    # is the tests' here).
    personas = {user.pk for user in cast.users.values()}
    for lot in Lot.objects.exclude(status=LotStatus.DRAFT):
        for district_id in lot_district_ids(lot):
            members = Membership.objects.active().filter(
                role=Role.COUNCIL_MEMBER, district_id=district_id
            )
            assert members.exists(), (lot.code, district_id)
            for member in members:
                email = str(member.user.email)
                password = PASSWORD if member.user_id in personas else settings.DEMO_PASSWORD
                assert _signs_in(email, password), email

    # The council persona decides: the proposed lot is approved by every council now.
    lot_decide(lot=proposed, by=council, approve=True, comment="Maʼqullandi")
    proposed.refresh_from_db()
    assert proposed.status == LotStatus.APPROVED


def test_a_spare_draft_is_never_the_last_draft_of_the_inspectors_region(cast: Cast) -> None:
    def lot(code: str, region: Any) -> Lot:
        return Lot.objects.create(code=code, region=region)

    assert spare_draft(cast) is None
    first = lot("UZ-TK-004", cast.region)
    assert spare_draft(cast) is None  # the only draft stays one
    samarkand = lot("UZ-SA-002", cast.other_region)
    assert spare_draft(cast) == samarkand  # Tashkent keeps its draft
    lot("UZ-TK-005", cast.region)
    assert spare_draft(cast) == first
    a_lot = Lot.objects.create(code="UZ-TK-003", region=cast.region)
    LotBuilding.objects.create(lot=a_lot, building=Building.objects.get(cadastral_number=DEMO_A))
    assert spare_draft(cast) == first  # never building A's lot
