"""Dispatch in the inspection console: tickets, escalations and appeals of the region;
another region's are 404 even by direct link; nothing is writable, by anyone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.test import Client

from dispatch.models import Appeal, Escalation, Ticket
from dispatch.services import escalate_breaches
from mening_uyim.demo import Cast
from tests.access import snapshot
from tests.billing import test_admin as billing_admin_test
from tests.dispatch.world import owner_appeal, owner_ticket
from tests.voting.admin_world import national_inspector

pytestmark = pytest.mark.django_db
MODELS = ("ticket", "escalation", "appeal")


@pytest.fixture
def rows(cast: Cast) -> dict[str, int]:
    national_inspector(cast)
    ticket = owner_ticket(cast)
    escalate_breaches(at=ticket.resolution_due_at + dt.timedelta(minutes=1))
    return {
        "ticket": ticket.pk,
        "escalation": Escalation.objects.filter(ticket=ticket).first().pk,  # type: ignore[union-attr]
        "appeal": owner_appeal(cast).pk,
    }


@pytest.mark.parametrize(
    ("key", "seen"), [("inspector", True), ("other_inspector", False), ("national_inspector", True)]
)
def test_the_region_sees_its_rows(
    client: Client, cast: Cast, rows: dict[str, int], key: str, seen: bool
) -> None:
    client.force_login(cast.users[key])
    for model in MODELS:
        listing = client.get(f"/admin/dispatch/{model}/")
        assert listing.status_code == 200, model
        change = f"/admin/dispatch/{model}/{rows[model]}/change/"
        assert (change in listing.content.decode()) is seen, model
        assert client.get(change).status_code == (200 if seen else 404), model


@pytest.mark.parametrize("model", MODELS)
def test_nothing_is_writable(client: Client, cast: Cast, rows: dict[str, int], model: str) -> None:
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.model_name == model)
    billing_admin_test.test_nothing_is_writable_even_for_the_administrator(cast, model_admin)
    client.force_login(cast.users["admin"])
    before = snapshot()
    page = f"/admin/dispatch/{model}/{rows[model]}"
    assert client.post(f"{page}/change/", {"status": "closed"}).status_code == 403
    assert client.post(f"{page}/delete/", {"post": "yes"}).status_code == 403
    assert snapshot() == before
    assert Ticket.objects.count() == 1
    assert Appeal.objects.count() == 1
