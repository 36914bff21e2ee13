"""Additional revenue, lease contracts, lease violations and the MCs' money by month: the
API of the pages of billing.revenue_views, scoped by the same selectors
(billing.revenue_selectors) and policies, writing through the same services
(billing.revenue.revenue_record, billing.leases.lease_record and lease_register). A
refusal of a service is a 400 naming the reason, with nothing written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import roles_of
from billing import policies
from billing import revenue_selectors as selectors
from billing.api import CompanyRef, ErrorOut, LotRef, PeriodField, SomField
from billing.documents import validate_document
from billing.leases import (
    MSG_KIND,
    MSG_MAY_NOT_REGISTER,
    lease_record,
    lease_register,
    registration_deadline,
)
from billing.leases import MSG_MAY_NOT_RECORD as MSG_MAY_NOT_RECORD_LEASE
from billing.models import (
    AdditionalRevenue,
    LeaseContract,
    LeaseKind,
    LeaseViolation,
    RevenueKind,
)
from billing.models.leases import MSG_PARTY_ID, validate_party_id
from billing.revenue import MSG_CONTRACT_ELSEWHERE, revenue_record
from billing.revenue import MSG_MAY_NOT_RECORD as MSG_MAY_NOT_RECORD_REVENUE
from billing.revenue_forms import MSG_DECISION_ID, MonthForm
from billing.services import BillingError
from core.ids import MAX_ID
from core.periods import month_start


def _audience(request: Request) -> None:
    """The revenue and lease lists, as their pages: 404 to who sees no lot's money."""
    if not selectors.revenue_page_visible(roles_of(request.user)):
        raise exceptions.NotFound


def _refused(exc: BillingError) -> Response:
    return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)


class BuildingRef(serializers.Serializer):
    id = serializers.IntegerField()
    address = serializers.CharField()


# --- additional revenue ------------------------------------------------------------------------


class RevenueOut(serializers.ModelSerializer[AdditionalRevenue]):
    lot = LotRef()
    company = CompanyRef()
    lease = serializers.IntegerField(source="lease_id", allow_null=True)
    amount_som = SomField(source="amount_tiyin")
    transaction = serializers.IntegerField(
        source="transaction_id", help_text="the ledger transaction of the record"
    )
    document_url = serializers.SerializerMethodField(
        help_text="the document's download (the revenue page's link)"
    )

    class Meta:
        model = AdditionalRevenue
        fields = [
            "id",
            "lot",
            "company",
            "kind",
            "counterparty",
            "counterparty_tin",
            "lease",
            "amount_tiyin",
            "amount_som",
            "received_on",
            "note",
            "document_url",
            "transaction",
            "recorded_at",
        ]

    def get_document_url(self, revenue: AdditionalRevenue) -> str:
        path = reverse("billing:revenue_document", args=[revenue.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class RevenueIn(serializers.Serializer):
    lot = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="a lot the MC manages")
    kind = serializers.ChoiceField(choices=RevenueKind.choices)
    counterparty = serializers.CharField(max_length=200)
    counterparty_tin = serializers.CharField(
        max_length=14,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_party_id],
        error_messages={"max_length": MSG_PARTY_ID},
    )
    lease = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="the lease contract, for revenue from a lease (and only then)",
    )
    amount_tiyin = serializers.IntegerField(help_text="tiyin, more than zero")
    received_on = serializers.DateField(help_text="not later than today")
    document = serializers.FileField(
        validators=[validate_document], help_text="PDF, JPG or PNG, up to 10 MB"
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RevenueList(generics.ListAPIView[AdditionalRevenue]):
    """Additional revenue the login sees: its MC's, its lots' (councils), its region's
    (inspectors); owners get 404. POST (multipart, with the document) records one: the
    staff of the MC that manages the lot (anyone else: 404, as the page)."""

    serializer_class = RevenueOut
    filter_backends: list[Any] = []
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> Any:
        _audience(self.request)
        return selectors.revenue_visible_to(self.request.user)

    @extend_schema(request=RevenueIn, responses={201: RevenueOut, 400: ErrorOut})
    def post(self, request: Request) -> Response:
        lots = selectors.revenue_lots(request.user)
        if not lots.exists():
            raise exceptions.NotFound
        data = RevenueIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        lot = lots.filter(pk=values["lot"]).first()
        if lot is None:
            raise serializers.ValidationError({"lot": [str(MSG_MAY_NOT_RECORD_REVENUE)]})
        lease = None
        if values.get("lease") is not None:
            lease = selectors.revenue_leases(request.user).filter(pk=values["lease"]).first()
            if lease is None:
                raise serializers.ValidationError({"lease": [str(MSG_CONTRACT_ELSEWHERE)]})
        try:
            revenue = revenue_record(
                lot=lot,
                kind=values["kind"],
                counterparty=values["counterparty"],
                counterparty_tin=values["counterparty_tin"],
                lease=lease,
                amount_tiyin=values["amount_tiyin"],
                received_on=values["received_on"],
                document=values["document"],
                note=values["note"],
                by=request.user,
            )
        except BillingError as exc:
            return _refused(exc)
        out = RevenueOut(revenue, context={"request": request})
        return Response(out.data, status=status.HTTP_201_CREATED)


class RevenueDetail(generics.RetrieveAPIView[AdditionalRevenue]):
    serializer_class = RevenueOut

    def get_object(self) -> AdditionalRevenue:
        return selectors.revenue_for(self.request.user, self.kwargs["pk"])


# --- lease contracts ---------------------------------------------------------------------------


class RemovalRef(serializers.Serializer):
    id = serializers.IntegerField()
    removed_on = serializers.DateField()


class ViolationBrief(serializers.ModelSerializer[LeaseViolation]):
    removal = RemovalRef(allow_null=True, help_text="the MC's removal from the register")

    class Meta:
        model = LeaseViolation
        fields = ["id", "deadline", "detected_on", "removal"]


class LeaseOut(serializers.ModelSerializer[LeaseContract]):
    lot = LotRef()
    building = BuildingRef()
    company = CompanyRef()
    rent_som = SomField(source="rent_tiyin")
    decision = serializers.UUIDField(
        source="decision_id", help_text="the general meeting decision the contract rests on"
    )
    registration_deadline = serializers.SerializerMethodField(
        help_text="the last day of a registration on time"
    )
    registered = serializers.BooleanField(read_only=True)
    violation = serializers.SerializerMethodField()

    class Meta:
        model = LeaseContract
        fields = [
            "id",
            "lot",
            "building",
            "company",
            "kind",
            "lessee_name",
            "lessee_tin",
            "object_description",
            "object_area_m2",
            "starts_on",
            "ends_on",
            "rent_tiyin",
            "rent_som",
            "signed_on",
            "decision",
            "registration_deadline",
            "registered",
            "tax_registration_number",
            "tax_registered_on",
            "violation",
        ]

    def get_registration_deadline(self, contract: LeaseContract) -> dt.date:
        return registration_deadline(contract.signed_on)

    @extend_schema_field(ViolationBrief(allow_null=True))
    def get_violation(self, contract: LeaseContract) -> dict[str, Any] | None:
        found = getattr(contract, "violation", None)
        return ViolationBrief(found).data if found is not None else None


class LeaseIn(serializers.Serializer):
    building = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="a building of a lot the MC manages"
    )
    kind = serializers.ChoiceField(
        choices=LeaseKind.choices, error_messages={"invalid_choice": MSG_KIND}
    )
    lessee_name = serializers.CharField(max_length=200)
    lessee_tin = serializers.CharField(
        max_length=14, validators=[validate_party_id], error_messages={"max_length": MSG_PARTY_ID}
    )
    object_description = serializers.CharField(max_length=300)
    object_area_m2 = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("99999999.99"),
        required=False,
        allow_null=True,
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    rent_tiyin = serializers.IntegerField(
        required=False,
        default=0,
        help_text="a month; more than zero for a lease, 0 for gratuitous use",
    )
    signed_on = serializers.DateField()
    decision_uid = serializers.UUIDField(
        error_messages={"invalid": MSG_DECISION_ID},
        help_text="the general meeting decision (qualified, passed) that approved the contract",
    )


class RegistrationIn(serializers.Serializer):
    number = serializers.CharField(max_length=50)
    registered_on = serializers.DateField()


class LeaseList(generics.ListAPIView[LeaseContract]):
    """The contracts the login sees (those of the lots whose money it sees); owners get
    404. POST records one: the staff of the MC that manages the building's lot (anyone
    else: 404, as the page); a contract whose decision does not exist, is not qualified,
    did not pass … is refused with 400, naming every reason."""

    serializer_class = LeaseOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        _audience(self.request)
        return selectors.leases_visible_to(self.request.user)

    @extend_schema(request=LeaseIn, responses={201: LeaseOut, 400: ErrorOut})
    def post(self, request: Request) -> Response:
        buildings = selectors.lease_buildings(request.user)
        if not buildings.exists():
            raise exceptions.NotFound
        data = LeaseIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        building = buildings.filter(pk=values["building"]).first()
        if building is None:
            raise serializers.ValidationError({"building": [str(MSG_MAY_NOT_RECORD_LEASE)]})
        try:
            contract = lease_record(
                building=building,
                kind=values["kind"],
                lessee_name=values["lessee_name"],
                lessee_tin=values["lessee_tin"],
                object_description=values["object_description"],
                object_area_m2=values.get("object_area_m2"),
                starts_on=values["starts_on"],
                ends_on=values["ends_on"],
                rent_tiyin=values["rent_tiyin"],
                signed_on=values["signed_on"],
                decision_uid=values["decision_uid"],
                by=request.user,
            )
        except BillingError as exc:
            return _refused(exc)
        found = selectors.lease_for(request.user, contract.pk)
        return Response(LeaseOut(found).data, status=status.HTTP_201_CREATED)


class LeaseDetail(generics.RetrieveAPIView[LeaseContract]):
    serializer_class = LeaseOut

    def get_object(self) -> LeaseContract:
        return selectors.lease_for(self.request.user, self.kwargs["pk"])


class LeaseRegistration(generics.GenericAPIView[LeaseContract]):
    """The contract's tax registration (number and date), once: the staff of the MC that
    manages the lot. Who does not see the contract gets 404; who sees it but may not
    register it, 403 (as the page)."""

    serializer_class = RegistrationIn

    @extend_schema(request=RegistrationIn, responses={200: LeaseOut, 400: ErrorOut, 403: ErrorOut})
    def post(self, request: Request, pk: int) -> Response:
        contract = selectors.lease_for(request.user, pk)
        if not policies.may_register_lease(roles_of(request.user), contract):
            raise exceptions.PermissionDenied(MSG_MAY_NOT_REGISTER)
        data = RegistrationIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            lease_register(
                contract=contract,
                number=data.validated_data["number"],
                registered_on=data.validated_data["registered_on"],
                by=request.user,
            )
        except BillingError as exc:
            return _refused(exc)
        return Response(LeaseOut(selectors.lease_for(request.user, pk)).data)


# --- violations and the MCs' money by month (the inspection) ----------------------------------


class ContractRef(serializers.ModelSerializer[LeaseContract]):
    lot = LotRef()
    building = BuildingRef()

    class Meta:
        model = LeaseContract
        fields = ["id", "object_description", "lot", "building", "signed_on"]


class CompanyStatusRef(CompanyRef):
    status = serializers.CharField(help_text="in the register: registered, or removed")


class ViolationOut(serializers.ModelSerializer[LeaseViolation]):
    contract = ContractRef()
    company = CompanyStatusRef()
    removal = RemovalRef(allow_null=True, help_text="the MC's removal from the register")

    class Meta:
        model = LeaseViolation
        fields = [
            "id",
            "contract",
            "company",
            "deadline",
            "detected_on",
            "removal",
            "removal_error",
        ]


class ViolationList(generics.ListAPIView[LeaseViolation]):
    """Lease contracts unregistered past their deadline: the region's inspectors (every
    region for a national one); anyone else gets 404."""

    serializer_class = ViolationOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if not policies.may_see_violations(roles_of(self.request.user)):
            raise exceptions.NotFound
        return selectors.violations_visible_to(self.request.user)


class MonthMoneyOut(serializers.Serializer):
    period = PeriodField()
    contributions_tiyin = serializers.IntegerField()
    contributions_som = SomField(source="contributions_tiyin")
    revenue_tiyin = serializers.IntegerField()
    revenue_som = SomField(source="revenue_tiyin")


class CompanyMonthsOut(serializers.Serializer):
    company = CompanyRef()
    contributions_tiyin = serializers.IntegerField(source="contributions")
    contributions_som = SomField(source="contributions")
    revenue_tiyin = serializers.IntegerField(source="revenue")
    revenue_som = SomField(source="revenue")
    months = serializers.SerializerMethodField(help_text="oldest first")

    @extend_schema_field(MonthMoneyOut(many=True))
    def get_months(self, figures: selectors.CompanyMonths) -> Any:
        rows = [
            {"period": p, "contributions_tiyin": c, "revenue_tiyin": r}
            for p, c, r in figures.rows(self.context["periods"])
        ]
        return MonthMoneyOut(rows, many=True).data


@extend_schema(
    parameters=[
        OpenApiParameter(
            "until", str, description="the last month, YYYY-MM (the current month by default)"
        )
    ],
    responses={200: CompanyMonthsOut(many=True), 400: ErrorOut},
)
class InspectionMonths(generics.ListAPIView[Any]):
    """Each MC's contributions and additional revenue by month, twelve months up to
    ``?until=``, for the lots of the inspector's region (every region for a national
    one); anyone else gets 404."""

    serializer_class = CompanyMonthsOut
    filter_backends: list[Any] = []

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not policies.may_inspect_money(roles_of(request.user)):
            raise exceptions.NotFound
        form = MonthForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            )
        until = form.cleaned_data["until"] or month_start(timezone.localdate())
        periods = selectors.months_until(until)
        figures = selectors.money_by_month(request.user, periods)
        page = self.paginate_queryset(figures)  # type: ignore[arg-type]  # a list pages too
        assert page is not None  # the project paginates every list
        out = CompanyMonthsOut(page, many=True, context={"periods": periods})
        return self.get_paginated_response(out.data)
