"""Registry API: public buildings, my apartments, scoped assessments, the Turar-Joy import."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.parsers import FileUploadParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import roles_of
from buildings import selectors
from buildings.filters import Q_MAX, bad_id, registry_filter_parse
from buildings.models import (
    BUILDING_PUBLIC_FIELDS,
    ELEMENTS,
    Apartment,
    Building,
    Classification,
    ConditionAssessment,
)
from buildings.policies import may_import, region_scope
from buildings.turarjoy import turar_joy_import
from core.ids import BadId, optional_id


class BuildingSerializer(serializers.ModelSerializer[Building]):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    district = serializers.IntegerField(source="district_id")
    district_name = serializers.CharField(source="district.name")
    manager = serializers.SerializerMethodField()

    class Meta:
        model = Building
        fields = [
            "id",
            "cadastral_number",
            "region",
            "region_name",
            "district",
            "district_name",
            *BUILDING_PUBLIC_FIELDS,
            "management_method",
            "manager",
            "classification",
            "overall_wear",
        ]

    def get_manager(self, obj: Building) -> str:
        return obj.manager.name if obj.manager else obj.manager_name


@extend_schema(
    parameters=[
        OpenApiParameter("region", str, description="region code, e.g. UZ-TK"),
        OpenApiParameter("district", int, description="district id"),
        OpenApiParameter("classification", str, enum=Classification.values),
        OpenApiParameter(
            "q",
            str,
            description=(
                "search: part of the address (any case, any apostrophe), or the start of "
                f"the cadastral number (spaces and : - . / ignored); at most {Q_MAX} "
                "characters, a longer one is a 400"
            ),
        ),
    ]
)
class BuildingList(generics.ListAPIView[Building]):
    """The public registry: public fields only, paginated. Filters that contradict each
    other (a district outside the region) are a 400, as a bad id is."""

    permission_classes = [permissions.AllowAny]
    serializer_class = BuildingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        filters = registry_filter_parse(self.request.query_params, class_param="classification")
        if filters.errors:
            raise serializers.ValidationError({k: [v] for k, v in filters.errors.items()})
        mismatch = selectors.district_mismatch(filters)
        if mismatch:
            raise serializers.ValidationError({"district": [mismatch]})
        return selectors.registry_rows(filters)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The same page for every caller: cached per address (host, path, query) and
        language (selectors.registry_cached). A refused filter raises before anything is
        stored."""
        key = f"{get_language()}|{request.build_absolute_uri()}"
        data = selectors.registry_cached(
            "api", key, lambda: super(BuildingList, self).list(request, *args, **kwargs).data
        )
        return Response(data)


class BuildingDetail(generics.RetrieveAPIView[Building]):
    permission_classes = [permissions.AllowAny]
    serializer_class = BuildingSerializer
    queryset = selectors.buildings_public()


class MyApartmentSerializer(serializers.ModelSerializer[Apartment]):
    building = BuildingSerializer()
    share = serializers.SerializerMethodField()

    class Meta:
        model = Apartment
        fields = ["id", "number", "area_m2", "rooms", "account_number", "share", "building"]

    def get_share(self, obj: Any) -> str:
        return f"{obj.share_numerator}/{obj.share_denominator}"


class MyApartments(APIView):
    """The authenticated owner's apartments (current ownership)."""

    @extend_schema(responses=MyApartmentSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = selectors.my_apartments(request.user)
        return Response(MyApartmentSerializer(rows, many=True).data)


class AssessmentSerializer(serializers.ModelSerializer[ConditionAssessment]):
    cadastral_number = serializers.CharField(source="building.cadastral_number")

    class Meta:
        model = ConditionAssessment
        fields = [
            "id",
            "building",
            "cadastral_number",
            "assessed_on",
            *ELEMENTS,
            "emergency",
            "source",
        ]


@extend_schema(parameters=[OpenApiParameter("building", int, description="building id")])
class AssessmentList(generics.ListAPIView[ConditionAssessment]):
    """Assessments: an inspector's region, or the buildings an owner owns in."""

    serializer_class = AssessmentSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        qs = selectors.assessments_visible_to(self.request.user)
        value = self.request.query_params.get("building")
        try:
            building = optional_id(value)
        except BadId:
            raise serializers.ValidationError(
                {"building": [bad_id(str(value), "building")]}
            ) from None
        if building is not None:
            qs = qs.filter(building_id=building)
        return qs.order_by("-assessed_on", "-id")


class TurarJoyImport(APIView):
    """Import a Turar-Joy JSON Lines file: all or nothing (200 with counts, or 400 with
    every bad line). Inspectors only; a regional inspector imports their region only."""

    parser_classes = [MultiPartParser, FileUploadParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, filename: str | None = None) -> Response:
        roles = roles_of(request.user)
        if not may_import(roles):
            raise exceptions.PermissionDenied(_("Only an inspector imports the Turar-Joy file."))
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError(
                {"file": [_("Attach the Turar-Joy file (JSON Lines).")]}
            )
        report = turar_joy_import(lines=upload, region_scope=region_scope(roles))
        code = status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
        return Response(report.as_dict(), status=code)
