"""The demo's world at a small scale, for the tests of `seed_demo` (tests/voting/test_demo.py,
tests/mening_uyim/test_demo_billing.py): ``demo_world``.

Lot UZ-TK-003 (building A's lot; UZ-TK-002 in `make run`'s demo, whose formation numbers
it) holds buildings A and B and four Olmazor buildings whose owners have no logins yet;
lot UZ-TK-001 is a draft of Chilonzor buildings (the ``other_council`` persona's
district), as in the demo, where no other draft has a building in Yunusobod. With both
lots there, `seed_demo` neither generates buildings nor forms lots:
the rest of the demo (approval, election, meetings, billing) runs on them in seconds.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from accounts.models import Person
from buildings.models import Building, Ownership
from buildings.services import assessment_record
from lots.models import Lot, LotBuilding
from lots.program import program_generate
from mening_uyim.demo import DEMO_A, DEMO_B, Cast
from territory.models import District
from tests.buildings.conftest import wear


def _buildings(make_building: Any, name: str, n: int, flats: int) -> list[Building]:
    """``n`` commissioned Tashkent buildings of district ``name``, each flat wholly owned
    by a person without a login."""
    district = District.objects.get(region__code="UZ-TK", name=name)
    made = [make_building(flats=flats, commissioned_at=timezone.now()) for _ in range(n)]
    Building.objects.filter(pk__in=[b.pk for b in made]).update(district=district)
    flats_ = [f for b in made for f in b.apartments.order_by("pk")]
    first = Person.objects.count()
    people = Person.objects.bulk_create(
        [
            Person(pinfl=f"3010190{first + k:07d}", full_name=f"{name} egasi {k}")
            for k in range(len(flats_))
        ]
    )
    Ownership.objects.bulk_create(
        [
            Ownership(
                apartment=f,
                person=p,
                share_numerator=1,
                share_denominator=1,
                since=dt.date(2019, 5, 1),
            )
            for f, p in zip(flats_, people, strict=True)
        ]
    )
    return made


@pytest.fixture
def demo_world(cast: Cast, make_building: Any, settings: Any) -> tuple[Lot, Lot]:
    settings.LOT_MIN_APARTMENTS = 100
    a_and_b = list(Building.objects.filter(cadastral_number__in=[DEMO_A, DEMO_B]))
    olmazor = _buildings(make_building, "Olmazor tumani", 4, 25)
    lot = Lot.objects.create(code="UZ-TK-003", region=cast.region)
    LotBuilding.objects.bulk_create([LotBuilding(lot=lot, building=b) for b in a_and_b + olmazor])
    assessment_record(building=olmazor[0], assessed_on=dt.date(2026, 1, 1), wear=wear(roof=75))
    program_generate(lot=lot)
    second = Lot.objects.create(code="UZ-TK-001", region=cast.region)
    chilonzor = _buildings(make_building, "Chilonzor tumani", 5, 25)
    LotBuilding.objects.bulk_create([LotBuilding(lot=second, building=b) for b in chilonzor])
    return lot, second


def row_counts(app_labels: Iterable[str], extra: Iterable[type[Model]] = ()) -> dict[str, int]:
    """The row count of every model of ``app_labels`` (and of ``extra``): a second
    `seed_demo` must leave each one as it was."""
    models = list(extra)
    for label in app_labels:
        models.extend(apps.get_app_config(label).get_models())
    return {m._meta.label: m._default_manager.count() for m in models}


def page_as(user: Any, url: str, *, unescape: bool = False) -> str:
    """``url`` as ``user`` sees it (a 200, or the test fails naming the page)."""
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode()
    return html.unescape(text) if unescape else text
