"""The owners' cached pages (buildings.owner_pages) follow the tickets: a ticket, an
incident and an appeal renew their building's stamp, and a ticket's steps, comments,
photos and escalations renew its ticket's building's."""

from __future__ import annotations

from typing import Any

from buildings.owner_pages import follow
from dispatch.models import (
    Appeal,
    Escalation,
    Incident,
    Ticket,
    TicketComment,
    TicketEvent,
    TicketPhoto,
)


def _ticket_building(row: Any) -> list[int]:
    return list(Ticket.objects.filter(pk=row.ticket_id).values_list("building_id", flat=True))


for _model in (Ticket, Incident, Appeal):
    follow(_model, lambda row: [row.building_id], f"dispatch-{_model.__name__}")
for _row in (TicketEvent, TicketComment, TicketPhoto, Escalation):
    follow(_row, _ticket_building, f"ticket-{_row.__name__}")
