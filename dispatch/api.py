"""The dispatch API (issue 12, point 7): tickets and the dispatcher's queue, scoped like
the pages (an owner sees their own, an MC its buildings', an inspector their region's;
404 for anything else). POST /api/v1/tickets/ files a ticket through the same service
as the page: an owner for an apartment of theirs or their building's common areas, an
MC's dispatcher or director taking a call for a building it manages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import roles_of
from buildings.models import Apartment, Building
from core.api import ErrorOut
from dispatch import policies, selectors
from dispatch.models import TEXT_MAX, Category, Status, Ticket, Urgency
from dispatch.services import MSG_APARTMENT_ELSEWHERE, MSG_NOT_YOURS, DispatchError, ticket_file


class TicketOut(serializers.ModelSerializer[Ticket]):
    category = serializers.ChoiceField(choices=Category.choices, read_only=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    building_address = serializers.CharField(source="building.address", read_only=True)
    apartment_number = serializers.SerializerMethodField()
    escalated = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "building",
            "building_address",
            "apartment",
            "apartment_number",
            "company",
            "text",
            "channel",
            "created_at",
            "category",
            "urgency",
            "confidence",
            "needs_review",
            "status",
            "response_due_at",
            "resolution_due_at",
            "responded_at",
            "resolved_at",
            "closed_at",
            "incident",
            "rating",
            "escalated",
        ]

    def get_apartment_number(self, obj: Ticket) -> str | None:
        return obj.apartment.number if obj.apartment_id and obj.apartment else None

    def get_escalated(self, obj: Ticket) -> bool:
        return bool(getattr(obj, "escalated", False))


class TicketIn(serializers.Serializer[Any]):
    building = serializers.IntegerField(min_value=1)
    apartment = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    text = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, trim_whitespace=False)
    caller = serializers.CharField(max_length=200, required=False, allow_blank=True)


def _audience(request: Request) -> None:
    if not policies.has_dispatch_page(roles_of(request.user)):
        raise exceptions.NotFound


class TicketList(generics.ListAPIView[Ticket]):
    """The tickets the login sees, newest first. POST files one."""

    serializer_class = TicketOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        _audience(self.request)
        return selectors.tickets_visible_to(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=TicketIn, responses={201: TicketOut, 400: ErrorOut})
    def post(self, request: Request) -> Response:
        roles = roles_of(request.user)
        if not (roles.is_owner or policies.takes_calls(roles)):
            raise exceptions.NotFound
        data = TicketIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        building = Building.objects.filter(
            policies.filing_buildings_q(roles), pk=values["building"]
        ).first()
        if building is None:
            return Response({"detail": str(MSG_NOT_YOURS)}, status=status.HTTP_400_BAD_REQUEST)
        apartment = None
        if values.get("apartment"):
            apartment = Apartment.objects.filter(pk=values["apartment"]).first()
            if apartment is None:
                return Response(
                    {"detail": str(MSG_APARTMENT_ELSEWHERE)}, status=status.HTTP_400_BAD_REQUEST
                )
        try:
            ticket = ticket_file(
                by=request.user,
                building=building,
                apartment=apartment,
                text=values["text"],
                caller=values.get("caller", ""),
            )
        except DispatchError as exc:
            return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
        found = selectors.ticket_for(request.user, ticket.pk)
        return Response(TicketOut(found).data, status=status.HTTP_201_CREATED)


class TicketDetail(generics.RetrieveAPIView[Ticket]):
    serializer_class = TicketOut

    def get_object(self) -> Ticket:
        return selectors.ticket_for(self.request.user, self.kwargs["pk"])


class Queue(generics.ListAPIView[Ticket]):
    """The MC's dispatch queue: its open tickets, the most urgent first, then by deadline
    (the MC's staff; 404 for anyone else)."""

    serializer_class = TicketOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if not policies.handles_tickets(roles_of(self.request.user)):
            raise exceptions.NotFound
        return selectors.queue(self.request.user)
