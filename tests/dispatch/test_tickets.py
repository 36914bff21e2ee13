"""Tickets (DOMAIN.md "Dispatch (24-hour service) and appeals"): filing and its refusals,
triage on filing, the status flow, the deadlines at each boundary, escalation once per
breach, duplicates linked into one incident, appeals and the scorecard figures. The
services take the moment they act at (``at``), so no test waits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accounts.models import Notification
from dispatch import services
from dispatch.models import Appeal, Escalation, Incident, Status, Ticket, TicketEvent
from dispatch.scores import company_figures
from dispatch.services import (
    MSG_ALREADY_ANSWERED,
    MSG_APARTMENT_ELSEWHERE,
    MSG_NOT_HANDLER,
    MSG_NOT_INSPECTOR,
    MSG_NOT_OWNER,
    MSG_NOT_TECHNICIAN,
    MSG_NOT_YOURS,
    MSG_TEXT_EMPTY,
    MSG_TEXT_LONG,
    DispatchError,
    escalate_breaches,
    ticket_file,
)
from mening_uyim.demo import Cast
from organizations.models import Scorecard
from tests.access import snapshot
from tests.dispatch.world import LEAK, building_a, flat_12, technician

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
GAS = "Podyezdda gaz hidi kelyapti, tez keling!"


def _file(c: Cast, text: str = LEAK, at: dt.datetime = T0, **kw: Any) -> Ticket:
    return ticket_file(
        by=c.users["owner"], building=building_a(), apartment=flat_12(), text=text, at=at, **kw
    )


@pytest.mark.parametrize(
    ("text", "message"), [("   ", MSG_TEXT_EMPTY), ("x" * 10_000, MSG_TEXT_LONG % {"max": 4000})]
)
def test_an_empty_or_too_long_text_is_refused(cast: Cast, text: str, message: Any) -> None:
    before = snapshot()
    with pytest.raises(DispatchError) as refused:
        _file(cast, text)
    assert refused.value.message == str(message)
    assert snapshot() == before


def test_an_owner_files_only_where_they_own(cast: Cast) -> None:
    before = snapshot()
    with pytest.raises(DispatchError) as refused:
        ticket_file(by=cast.users["outsider"], building=building_a(), text=LEAK, at=T0)
    assert refused.value.message == str(MSG_NOT_YOURS)
    with pytest.raises(DispatchError) as elsewhere:
        ticket_file(
            by=cast.users["neighbour"], building=building_a(), apartment=flat_12(), text=LEAK, at=T0
        )
    assert elsewhere.value.message in (str(MSG_NOT_YOURS), str(MSG_APARTMENT_ELSEWHERE))
    assert snapshot() == before


def test_a_gas_smell_is_an_emergency_with_its_deadlines(cast: Cast) -> None:
    ticket = _file(cast, GAS)
    assert (ticket.category, ticket.urgency) == ("gas", "emergency")
    assert ticket.response_due_at == T0 + dt.timedelta(minutes=30)
    assert ticket.resolution_due_at == T0 + dt.timedelta(hours=24)
    assert ticket.company == cast.mc
    assert ticket.events.get().kind == TicketEvent.Kind.FILED


def test_the_dispatcher_takes_a_call_for_a_building_of_the_mc(cast: Cast) -> None:
    ticket = ticket_file(
        by=cast.users["mc_dispatcher"],
        building=building_a(),
        text=LEAK,
        caller="Karimova, +998 90 123-45-67",
        at=T0,
    )
    assert ticket.channel == "phone"
    assert ticket.caller.startswith("Karimova")
    with pytest.raises(DispatchError):
        ticket_file(by=cast.users["rival_mc"], building=building_a(), text=LEAK, at=T0)


def test_the_flow_assign_start_resolve_rate(cast: Cast) -> None:
    ticket = _file(cast)
    tech = technician(cast)
    dispatcher = cast.users["mc_dispatcher"]
    with pytest.raises(DispatchError) as not_tech:
        services.ticket_assign(ticket=ticket, by=dispatcher, technician=cast.users["owner"])
    assert not_tech.value.message == str(MSG_NOT_TECHNICIAN)
    with pytest.raises(DispatchError) as rival:
        services.ticket_assign(ticket=ticket, by=cast.users["rival_mc"], technician=tech)
    assert rival.value.message == str(MSG_NOT_HANDLER)
    ticket = services.ticket_assign(
        ticket=ticket, by=dispatcher, technician=tech, at=T0 + dt.timedelta(minutes=10)
    )
    assert ticket.status == Status.ASSIGNED
    assert ticket.responded_at == T0 + dt.timedelta(minutes=10)
    ticket = services.ticket_start(ticket=ticket, by=tech, at=T0 + dt.timedelta(hours=1))
    ticket = services.ticket_resolve(
        ticket=ticket, by=tech, note="Kran almashtirildi", at=T0 + dt.timedelta(hours=3)
    )
    assert ticket.status == Status.RESOLVED
    with pytest.raises(DispatchError) as not_owner:
        services.ticket_rate(ticket=ticket, by=dispatcher, rating=5)
    assert not_owner.value.message == str(MSG_NOT_OWNER)
    ticket = services.ticket_reopen(
        ticket=ticket,
        by=cast.users["co_owner"],
        reason="Hali ham tomchilayapti",
        at=T0 + dt.timedelta(hours=4),
    )
    assert (ticket.status, ticket.resolved_at) == (Status.IN_PROGRESS, None)
    ticket = services.ticket_resolve(ticket=ticket, by=tech, at=T0 + dt.timedelta(hours=5))
    ticket = services.ticket_rate(
        ticket=ticket, by=cast.users["owner"], rating=4, at=T0 + dt.timedelta(hours=6)
    )
    assert (ticket.status, ticket.rating) == (Status.CLOSED, 4)
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == ["filed", "assigned", "started", "resolved", "reopened", "resolved", "rated"]
    for bad in (0, 6, True, "5"):
        with pytest.raises(DispatchError):
            services.ticket_rate(ticket=ticket, by=cast.users["owner"], rating=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("minutes", "escalated"), [(30, False), (31, True)])
def test_an_unanswered_emergency_escalates_once_after_30_minutes(
    cast: Cast, minutes: int, escalated: bool
) -> None:
    ticket = _file(cast, GAS)
    at = T0 + dt.timedelta(minutes=minutes)
    assert escalate_breaches(at=at)["escalated"] == int(escalated)
    assert escalate_breaches(at=at)["escalated"] == 0  # the job run twice
    if escalated:  # and five minutes later: the same breach is not escalated again
        assert escalate_breaches(at=at + dt.timedelta(minutes=5))["escalated"] == 0
    rows = Escalation.objects.filter(ticket=ticket)
    assert rows.count() == int(escalated)
    if escalated:
        assert rows.get().kind == "response"
        inspector = cast.users["inspector"]
        told = Notification.objects.filter(person__user=inspector, key__startswith="escalation:")
        assert told.count() == 1
        other = Notification.objects.filter(person__user=cast.users["other_inspector"])
        assert not other.exists()


def test_a_breach_keeps_counting_after_the_dispatcher_lowers_the_urgency(cast: Cast) -> None:
    ticket = _file(cast, GAS)
    escalate_breaches(at=T0 + dt.timedelta(minutes=45))
    ticket = services.ticket_review(
        ticket=ticket,
        by=cast.users["mc_dispatcher"],
        category="gas",
        urgency="normal",
        at=T0 + dt.timedelta(minutes=50),
    )
    assert ticket.response_due_at == T0 + dt.timedelta(minutes=30)  # passed: it stays
    assert ticket.resolution_due_at == T0 + dt.timedelta(days=10)  # not passed: follows
    assert Escalation.objects.filter(ticket=ticket, kind="response").exists()


def test_a_similar_ticket_of_the_building_joins_the_incident(cast: Cast) -> None:
    first = _file(cast)
    second = ticket_file(
        by=cast.users["co_owner"],
        building=building_a(),
        text="Oshxonada kran oqyapti, pastga suv tushyapti!",
        at=T0 + dt.timedelta(hours=2),
    )
    other = _file(cast, "Liftda tugma ishlamayapti", at=T0 + dt.timedelta(hours=3))
    late = _file(cast, LEAK, at=T0 + dt.timedelta(hours=30))
    first.refresh_from_db()
    assert first.incident_id is not None
    assert second.incident_id == first.incident_id
    assert other.incident_id is None
    assert late.incident_id is None  # a day and more later: a new incident if any
    services.ticket_resolve(
        ticket=second, by=cast.users["mc_dispatcher"], at=T0 + dt.timedelta(hours=4)
    )
    first.refresh_from_db()
    assert first.status == Status.RESOLVED
    assert Incident.objects.get(pk=first.incident_id).resolved_at is not None


def test_appeals_are_answered_by_the_regions_inspectors_within_15_days(cast: Cast) -> None:
    appeal = services.appeal_file(
        by=cast.users["owner"], building=building_a(), text="Podyezd tozalanmayapti", at=T0
    )
    assert appeal.due_at == T0 + dt.timedelta(days=15)
    assert appeal.overdue(T0 + dt.timedelta(days=15, seconds=1))
    with pytest.raises(DispatchError) as other:
        services.appeal_answer(appeal=appeal, by=cast.users["other_inspector"], answer="x")
    assert other.value.message == str(MSG_NOT_INSPECTOR)
    services.appeal_answer(appeal=appeal, by=cast.users["inspector"], answer="Tekshiramiz")
    with pytest.raises(DispatchError) as twice:
        services.appeal_answer(appeal=appeal, by=cast.users["inspector"], answer="y")
    assert twice.value.message == str(MSG_ALREADY_ANSWERED)
    assert Appeal.objects.get().answer == "Tekshiramiz"


def test_the_scorecard_counts_deadlines_met_time_and_rating(cast: Cast) -> None:
    tech = technician(cast)
    on_time = _file(cast)
    services.ticket_resolve(ticket=on_time, by=tech, at=T0 + dt.timedelta(hours=2))
    services.ticket_rate(ticket=on_time, by=cast.users["owner"], rating=4)
    late = _file(cast, GAS, at=T0)
    services.ticket_resolve(ticket=late, by=tech, at=T0 + dt.timedelta(hours=30))
    figures = company_figures([cast.mc.pk])[cast.mc.pk]
    assert figures == {"deadlines_met_percent": 50, "hours_to_resolve": 16, "rating_tenths": 40}
    card = Scorecard.objects.get(company=cast.mc)
    assert (card.deadlines_met_percent, card.rating_tenths) == (50, 40)
    assert company_figures([cast.rival_mc.pk])[cast.rival_mc.pk] == {
        "deadlines_met_percent": None,
        "hours_to_resolve": None,
        "rating_tenths": None,
    }


def test_the_lot_page_and_the_register_show_the_dispatch_figures(client: Any, cast: Cast) -> None:
    from tests.billing.revenue_world import tk_lot

    lot = tk_lot(cast)  # buildings A and B, managed by the personas' MC
    tech = technician(cast)
    ticket = _file(cast)
    assert ticket.lot_id == lot.pk
    services.ticket_resolve(ticket=ticket, by=tech, at=T0 + dt.timedelta(hours=2))
    services.ticket_rate(ticket=ticket, by=cast.users["owner"], rating=4)
    client.force_login(cast.users["owner"])
    page = client.get(f"/lots/{lot.pk}/").content.decode()
    block = page[page.index('id="lot-dispatch"') :][:1500]
    assert "100 %" in block
    assert "4,0 / 5" in block
    register = client.get("/organizations/").content.decode()
    assert "100 %" in register
    assert "4,0 / 5" in register
