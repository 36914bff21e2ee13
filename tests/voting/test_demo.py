"""The demo reaches the election flows (mening_uyim.demo_lots.demo_election_ensure)."""

from __future__ import annotations

import pytest

from buildings.models import Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import DEMO_A, Cast
from mening_uyim.demo_lots import demo_election_ensure
from voting.models import Election
from voting.selectors import phase
from voting.services import ballot_cast

pytestmark = pytest.mark.django_db


def test_the_demo_opens_an_election_the_owners_can_vote_in_now(cast: Cast) -> None:
    lot = Lot.objects.create(code="UZ-TK-003", region=cast.region, status=LotStatus.APPROVED)
    LotBuilding.objects.create(lot=lot, building=Building.objects.get(cadastral_number=DEMO_A))
    said: list[str] = []
    demo_election_ensure(cast=cast, say=said.append)
    demo_election_ensure(cast=cast, say=said.append)  # a second run: nothing more
    election = Election.objects.get(lot=lot)
    assert len(said) == 1
    assert phase(election) == "voting"
    candidate = election.candidates.get(company=cast.mc)
    for key in ("owner", "co_owner"):
        ballot_cast(election=election, voter=cast.users[key], candidate=candidate)
    assert election.ballots.count() == 2
