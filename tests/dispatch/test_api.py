"""The dispatch API: its persona matrix (tickets, a ticket, the queue; GET and POST) and
filing through it. Anonymous → 401; who does not see a thing → 404; a refused or empty
POST → 400 for who may send it, with no table changed."""

from __future__ import annotations

import pytest
from django.test import Client

from dispatch.models import Ticket
from mening_uyim.demo import Cast
from tests.access import ALL, Case, check, snapshot
from tests.billing.test_api_access import JsonClient
from tests.dispatch.world import building_a, flat_12, owner_ticket

pytestmark = pytest.mark.django_db
ANONYMOUS = 401

ROUTES = {"api:tickets", "api:ticket", "api:dispatch-queue"}
OWNERS = ("owner", "co_owner", "neighbour", "outsider")
MC = ("mc_director", "mc_dispatcher", "rival_mc")
LIST = {
    "default": 404,
    "anonymous": ANONYMOUS,
    **dict.fromkeys(OWNERS, 200),
    **dict.fromkeys(MC, 200),
    "inspector": 200,
    "other_inspector": 200,
}
FILE = {
    "default": 404,
    "anonymous": ANONYMOUS,
    **dict.fromkeys(OWNERS, 400),
    "mc_director": 400,
    "mc_dispatcher": 400,
    "rival_mc": 400,
}
TICKET = {
    "default": 404,
    "anonymous": ANONYMOUS,
    "owner": 200,
    "co_owner": 200,
    "mc_director": 200,
    "mc_dispatcher": 200,
    "inspector": 200,
}
QUEUE = {"default": 404, "anonymous": ANONYMOUS, **dict.fromkeys(MC, 200)}

CASES = [
    Case("tickets", lambda c: (owner_ticket(c), "/api/v1/tickets/")[1], LIST),
    Case(
        "file (empty text)", lambda c: "/api/v1/tickets/", FILE, "post", {"building": 0, "text": ""}
    ),
    Case("a ticket", lambda c: f"/api/v1/tickets/{owner_ticket(c).pk}/", TICKET),
    Case("the queue", lambda c: (owner_ticket(c), "/api/v1/dispatch/queue/")[1], QUEUE),
]
PAIRS = [(key, case) for case in CASES for key in ALL if case.expected_for(key) is not None]


@pytest.mark.parametrize(("key", "case"), PAIRS, ids=[f"{c.name}-{k}" for k, c in PAIRS])
def test_access(client: Client, cast: Cast, key: str, case: Case) -> None:
    check(JsonClient(client), cast, key, case)  # type: ignore[arg-type]


def test_an_owner_files_and_the_mc_sees_it_in_its_queue(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["owner"])
    body = {
        "building": building_a().pk,
        "apartment": flat_12().pk,
        "text": "Vannaxonada quvur yorildi, suv toshyapti",
    }
    response = client.post("/api/v1/tickets/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert response.json()["status"] == "new"
    assert ticket.filed_by == cast.users["owner"]
    client.force_login(cast.users["mc_dispatcher"])
    queue = client.get("/api/v1/dispatch/queue/").json()["results"]
    assert [row["id"] for row in queue] == [ticket.pk]
    client.force_login(cast.users["rival_mc"])
    assert client.get(f"/api/v1/tickets/{ticket.pk}/").status_code == 404
    assert client.get("/api/v1/dispatch/queue/").json()["results"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"building": 1, "text": "x" * 10_000},
        {"building": 1, "text": "   "},
        {"building": 999_999, "text": "Kran oqyapti"},
        {"text": "Kran oqyapti"},
    ],
)
def test_bad_input_is_a_400_and_writes_nothing(client: Client, cast: Cast, body: dict) -> None:
    client.force_login(cast.users["outsider"])
    if body.get("building") == 1:
        body = body | {"building": building_a().pk}
    before = snapshot()
    response = client.post("/api/v1/tickets/", body, content_type="application/json")
    assert response.status_code == 400
    assert snapshot() == before
