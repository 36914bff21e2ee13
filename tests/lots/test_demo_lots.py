"""The demo reaches the lot states of this capability (mening_uyim.demo_lots)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from buildings.models import Building
from buildings.services import assessment_record
from lots.models import AmendmentStatus, Lot, LotBuilding, LotStatus, ProgramAmendment
from lots.program import program_generate
from mening_uyim.demo import DEMO_A, Cast
from mening_uyim.demo_lots import demo_lots_ensure, demo_second_lot_ensure
from tests.buildings.conftest import wear
from tests.lots.conftest import district
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_demo_approves_building_as_lot_with_an_amendment_for_the_council(
    client: Client, cast: Cast, town
) -> None:
    a = Building.objects.get(cadastral_number=DEMO_A)
    others = town(district("UZ-TK", "Olmazor tumani"), 4, flats=25)
    lot = Lot.objects.create(code="UZ-TK-003", region=cast.region)
    LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in [a, *others]])
    assessment_record(building=others[0], assessed_on=dt.date(2026, 1, 1), wear=wear(roof=75))
    program_generate(lot=lot)
    said: list[str] = []
    demo_lots_ensure(cast=cast, password=PASSWORD, say=said.append)
    demo_lots_ensure(cast=cast, password=PASSWORD, say=said.append)  # a second run: nothing
    lot.refresh_from_db()
    assert lot.status == LotStatus.APPROVED
    amendment = ProgramAmendment.objects.get(lot=lot)
    assert amendment.status == AmendmentStatus.OPEN
    assert len(said) == 1
    client.force_login(cast.users["council"])
    page = client.get(f"/lots/{lot.pk}/").content.decode()
    assert f"/lots/{lot.pk}/amendments/{amendment.pk}/decide/" in page


@pytest.mark.parametrize(
    ("name", "persona"),
    [("Chilonzor tumani", "other_council"), ("Yunusobod tumani", "council")],
)
def test_the_demo_approves_a_second_lot_whose_election_a_council_persona_opens(
    client: Client, cast: Cast, town, name: str, persona: str
) -> None:
    """At the demo scale no lot but A's has a Yunusobod building: then the Chilonzor lot,
    for the other_council persona."""
    second = Lot.objects.create(code="UZ-TK-001", region=cast.region)
    buildings = town(district("UZ-TK", name), 5, flats=25)
    LotBuilding.objects.bulk_create([LotBuilding(lot=second, building=b) for b in buildings])
    said: list[str] = []
    demo_second_lot_ensure(cast=cast, password=PASSWORD, say=said.append)
    demo_second_lot_ensure(cast=cast, password=PASSWORD, say=said.append)  # nothing more
    second.refresh_from_db()
    assert second.status == LotStatus.APPROVED
    assert len(said) == 1
    client.force_login(cast.users[persona])
    page = client.get(f"/lots/{second.pk}/").content.decode()
    assert f"/voting/lots/{second.pk}/open/" in page
