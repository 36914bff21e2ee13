"""Reads of tickets and appeals, each scoped by the login through dispatch.policies (an
outsider gets 404, not 403)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Role
from accounts.permissions import roles_of
from buildings.models import Apartment, Building
from dispatch import policies
from dispatch.models import OPEN_STATUSES, Appeal, Escalation, Ticket


def _user_id(user: Any) -> int | None:
    return user.pk if getattr(user, "is_authenticated", False) else None


def tickets_visible_to(user: Any) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(policies.ticket_q(roles_of(user), _user_id(user)))
        .select_related("building", "apartment", "technician", "company")
        .annotate(escalated=Exists(Escalation.objects.filter(ticket=OuterRef("pk"))))
    )


def ticket_for(user: Any, pk: int) -> Ticket:
    return get_object_or_404(tickets_visible_to(user), pk=pk)


def my_tickets(user: Any) -> QuerySet[Ticket]:
    """The owner's side: tickets they filed or of an apartment they own now."""
    roles = roles_of(user)
    return (
        Ticket.objects.filter(policies.owner_ticket_q(roles, _user_id(user)))
        .select_related("building", "apartment")
        .order_by("-created_at", "-pk")
    )


def queue(user: Any) -> QuerySet[Ticket]:
    """The MC's dispatch queue: its open tickets, the most urgent first, then by the
    nearest deadline (the resolution's; the response's while none was given)."""
    rank = Case(
        When(urgency="emergency", then=Value(0)),
        When(urgency="urgent", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Ticket.objects.filter(policies.handle_q(roles_of(user)), status__in=OPEN_STATUSES)
        .select_related("building", "apartment", "technician")
        .annotate(
            rank=rank,
            escalated=Exists(Escalation.objects.filter(ticket=OuterRef("pk"))),
            incident_size=Count("incident__tickets", distinct=True),
        )
        .order_by("rank", "resolution_due_at", "pk")
    )


def technicians(user: Any) -> QuerySet[Any]:
    """The technicians of the login's MC."""
    from accounts.models import User

    roles = roles_of(user)
    if roles.managing_organization_id is None:
        return User.objects.none()
    held = Membership.objects.active().filter(
        role=Role.MC_TECHNICIAN, organization_id=roles.managing_organization_id
    )
    return User.objects.filter(pk__in=held.values("user_id")).order_by("email")


def filing_choices(user: Any) -> tuple[QuerySet[Building], QuerySet[Apartment]]:
    """Buildings and apartments an owner files for."""
    roles = roles_of(user)
    apartments = policies.filing_apartments(roles).select_related("building")
    buildings = Building.objects.filter(apartments__in=apartments).distinct().order_by("address")
    return buildings, apartments.order_by("building__address", "number")


def call_buildings(user: Any) -> QuerySet[Building]:
    """Buildings a dispatcher takes calls for: every building the MC manages."""
    roles = roles_of(user)
    if not policies.takes_calls(roles):
        return Building.objects.none()
    return (
        Building.objects.filter(manager_id=roles.managing_organization_id)
        .only("pk", "cadastral_number", "address")  # the call form's choices (str())
        .order_by("address")
    )


def appeals_visible_to(user: Any) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(policies.appeal_q(roles_of(user), _user_id(user)))
        .select_related("building", "company", "author")
        .order_by("answered_at", "due_at", "pk")
    )


def appeal_for(user: Any, pk: int) -> Appeal:
    return get_object_or_404(appeals_visible_to(user), pk=pk)


def escalated_in_view(user: Any) -> QuerySet[Ticket]:
    """Inspectors: the escalated tickets of their region, still open first."""
    roles = roles_of(user)
    if not (roles.inspector or roles.superuser):
        return Ticket.objects.none()
    seen = tickets_visible_to(user)
    return seen.filter(Exists(Escalation.objects.filter(ticket=OuterRef("pk")))).order_by(
        "resolved_at", "-created_at"
    )
