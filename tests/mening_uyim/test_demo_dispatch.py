"""`seed_demo`'s dispatch (mening_uyim.demo_dispatch; issue 12, point 8): open and
breached tickets in the MC's queue, a resolved and rated one for the owner, an appeal
waiting for the inspector; a second run writes nothing."""

from __future__ import annotations

import html
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from dispatch.models import Appeal, Escalation, Ticket
from lots.models import Lot
from mening_uyim.demo import Cast

pytestmark = pytest.mark.django_db


def _seed() -> str:
    err = StringIO()
    call_command("seed_demo", "--json", stdout=StringIO(), stderr=err)
    return err.getvalue()


def _page(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def test_seed_demo_gives_every_persona_a_dispatch_flow_once(
    cast: Cast, demo_world: tuple[Lot, Lot]
) -> None:
    said = _seed()
    assert "no dispatch demo" not in said
    counts = (Ticket.objects.count(), Appeal.objects.count(), Escalation.objects.count())
    assert _seed() == ""
    assert (Ticket.objects.count(), Appeal.objects.count(), Escalation.objects.count()) == counts
    rated = Ticket.objects.get(filed_by=cast.users["owner"], status="closed")
    assert rated.rating == 5
    lift = Ticket.objects.get(filed_by=cast.users["neighbour"])
    assert lift.urgency == "emergency"
    assert Escalation.objects.filter(ticket=lift).exists()
    queue = _page(cast.users["mc_dispatcher"], "/dispatch/")
    assert f'data-ticket="{lift.pk}"' in queue
    assert 'class="breached"' in queue
    assert f'data-ticket="{rated.pk}"' in _page(cast.users["owner"], "/dispatch/")
    appeal = Appeal.objects.get()
    assert appeal.answered_at is None
    assert f'data-appeal="{appeal.pk}"' in _page(cast.users["inspector"], "/dispatch/appeals/")
