"""Lots API (scoped to the user) and the public register."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lots import selectors
from lots.models import Lot, ProgramItem
from lots.program import is_feasible, program_totals
from organizations.eligibility import requirements_of
from organizations.models import ManagementCompany
from organizations.selectors import public_register


class LotSerializer(serializers.ModelSerializer[Lot]):
    region = serializers.CharField(source="region.code")
    manager = serializers.CharField(source="manager.name", default=None, allow_null=True)
    # derived from the lot's buildings (lots.selectors.with_totals)
    apartments = serializers.IntegerField(read_only=True)
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Lot
        fields = [
            "id",
            "code",
            "region",
            "status",
            "apartments",
            "area_m2",
            "manager",
            "tariff_tiyin_per_m2",
        ]


class ProgramItemSerializer(serializers.ModelSerializer[ProgramItem]):
    address = serializers.CharField(source="building.address")

    class Meta:
        model = ProgramItem
        fields = ["id", "year", "building", "address", "element", "work", "cost_tiyin", "urgent"]


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    planned_tiyin = serializers.IntegerField(source="planned")
    budget_tiyin = serializers.IntegerField(source="budget")
    shortfall_tiyin = serializers.IntegerField(source="shortfall")


class LotDetailSerializer(LotSerializer):
    buildings = serializers.SerializerMethodField()
    program = serializers.SerializerMethodField()
    years = serializers.SerializerMethodField()
    feasible = serializers.SerializerMethodField()

    class Meta(LotSerializer.Meta):
        fields = [*LotSerializer.Meta.fields, "buildings", "program", "years", "feasible"]

    def get_buildings(self, lot: Lot) -> list[int]:
        return [b.pk for b in selectors.lot_buildings(lot)]

    def get_program(self, lot: Lot) -> list[dict[str, Any]]:
        return ProgramItemSerializer(selectors.lot_program(lot), many=True).data  # type: ignore[return-value]

    def get_years(self, lot: Lot) -> list[dict[str, Any]]:
        return YearSerializer(program_totals(lot), many=True).data  # type: ignore[return-value]

    def get_feasible(self, lot: Lot) -> bool:
        return is_feasible(program_totals(lot))


class LotList(generics.ListAPIView[Lot]):
    """Lots the user may see: their councils', their MC's, their region's, their own."""

    serializer_class = LotSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.lots_visible_to(self.request.user).order_by("code")


class LotDetail(generics.RetrieveAPIView[Lot]):
    serializer_class = LotDetailSerializer

    def get_queryset(self) -> Any:
        return selectors.lots_visible_to(self.request.user)


class RequirementSerializer(serializers.Serializer):
    code = serializers.CharField()
    requirement = serializers.CharField(source="label")
    ok = serializers.BooleanField()


class RegisterEntrySerializer(serializers.ModelSerializer[ManagementCompany]):
    lots_managed = serializers.IntegerField()
    removals = serializers.SerializerMethodField()
    eligible = serializers.SerializerMethodField()

    class Meta:
        model = ManagementCompany
        fields = ["id", "name", "tin", "status", "lots_managed", "eligible", "removals"]

    def get_removals(self, mc: ManagementCompany) -> list[dict[str, str]]:
        return [
            {"removed_on": r.removed_on.isoformat(), "reason": r.reason} for r in mc.removals.all()
        ]

    def get_eligible(self, mc: ManagementCompany) -> bool:
        return all(r.ok for r in requirements_of(mc))


class Register(generics.ListAPIView[ManagementCompany]):
    """The public register of management companies."""

    permission_classes = [permissions.AllowAny]
    serializer_class = RegisterEntrySerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return public_register(query=params.get("q", "")[:100], status=params.get("status", ""))


class Eligibility(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=RequirementSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        mc = generics.get_object_or_404(public_register(), pk=pk)
        return Response(RequirementSerializer(requirements_of(mc), many=True).data)
