"""Quarterly reports API (issue 11; DOMAIN.md "Quarterly reports and suspension of
accruals"), for the MCs' integrations (a token, or a session): the reports a login
reads, a lot's draft for a quarter, its expenses and works, its submission and the
versions of its quarter.

Scoped like the pages (billing.report_selectors through billing.policies): who does not
read a report gets 404 (a draft is read only by the director and the accountant of the
MC that manages the lot); who reads it but may not file it (a submitted report, for its
owners, councils, inspectors or another of the MC's staff) gets 403. Every write is a
billing.reports service; a refusal of one is a 400 naming the reason (translated), with
nothing written: the expenses of one PATCH are set in one transaction, all or none.

Amounts are integer tiyin (``*_tiyin``) with the page's formatting beside them
(``*_som``). In JSON an amount is a number: a string or true/false is refused, not read
as one (a multipart form, which has only text, may send digits).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from billing import report_selectors as selectors
from billing.api import ErrorOut, LotRef, SomField
from billing.documents import validate_document
from billing.models import (
    MAX_TIYIN,
    ExpenseCategory,
    QuarterlyReport,
    ReportExpense,
    ReportStatus,
    ReportWork,
    RevenueKind,
    WorkStatus,
)
from billing.reports import (
    MSG_AMOUNT_RANGE,
    MSG_BAD_CATEGORY,
    MSG_ITEM_ELSEWHERE,
    MSG_MAY_NOT_FILE,
    ReportError,
    quarter_end_deadline,
    quarter_text,
    report_draft,
    report_expense_set,
    report_submit,
    report_totals,
    report_work_add,
)
from core.ids import MAX_ID
from lots.models import ProgramItem

MSG_AMOUNT_TYPE = _(
    "An amount is a whole number of tiyin, written as a number (not as text, not true or false)."
)
MSG_QUARTER_FORMAT = _("A quarter is its first day, written YYYY-MM-DD (e.g. 2026-10-01).")
DIGITS = re.compile(r"-?\d{1,20}")


def _refused(exc: ReportError) -> Response:
    return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)


def _filed(request: Request, pk: int) -> QuarterlyReport:
    """A report the login reads (404 otherwise) and whose lot it files (403 otherwise: it
    reads the report, so its existence is no secret to it)."""
    found = selectors.report_for(request.user, pk)
    if not selectors.filable_lots(request.user).filter(pk=found.lot_id).exists():
        raise exceptions.PermissionDenied(MSG_MAY_NOT_FILE)
    return found


def _is_form(request: Request) -> bool:
    return request.content_type.split(";")[0].strip() != "application/json"


def _work_document_path(pk: int) -> str:
    try:
        return reverse("billing:report_work_document", args=[pk])
    except NoReverseMatch:  # the pages' route (billing.urls), not mounted in every build
        return f"/billing/reports/works/{pk}/document/"


# --- fields ------------------------------------------------------------------------------------


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_TIYIN})
class TiyinField(serializers.Field):
    """An amount of tiyin, 0 to 10^15. In JSON only a number is one (``"100"``, ``true``
    and ``1.5`` are refused); in a multipart form (``context["form"]``) digits are."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and self.context.get("form") and DIGITS.fullmatch(data.strip()):
            data = int(data.strip())
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(str(MSG_AMOUNT_TYPE), code="type")
        if not 0 <= data <= MAX_TIYIN:
            raise serializers.ValidationError(
                str(MSG_AMOUNT_RANGE % {"max": MAX_TIYIN}), code="range"
            )
        return data

    def to_representation(self, value: Any) -> int:
        return int(value)


def _quarter_field(**kwargs: Any) -> serializers.DateField:
    return serializers.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": MSG_QUARTER_FORMAT, "datetime": MSG_QUARTER_FORMAT},
        help_text="the quarter's first day: YYYY-01-01, -04-01, -07-01 or -10-01",
        **kwargs,
    )


# --- answers -----------------------------------------------------------------------------------


class ReportOut(serializers.ModelSerializer[QuarterlyReport]):
    """A report as the lists show it."""

    lot = LotRef()
    status = serializers.ChoiceField(choices=ReportStatus.choices, read_only=True)
    quarter_name = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField(
        help_text="the last moment the report is on time (Asia/Tashkent, grace days included)"
    )
    supersedes = serializers.IntegerField(
        source="supersedes_id", allow_null=True, help_text="the version this one corrects"
    )

    class Meta:
        model = QuarterlyReport
        fields = [
            "id",
            "lot",
            "quarter",
            "quarter_name",
            "version",
            "status",
            "supersedes",
            "deadline",
            "created_at",
            "submitted_at",
        ]

    def get_quarter_name(self, report: QuarterlyReport) -> str:
        return quarter_text(report.quarter)

    def get_deadline(self, report: QuarterlyReport) -> dt.datetime:
        return quarter_end_deadline(report.quarter)


class IncomeOut(serializers.Serializer):
    accrued_tiyin = serializers.IntegerField(help_text="contributions charged for the quarter")
    accrued_som = SomField(source="accrued_tiyin")
    collected_tiyin = serializers.IntegerField(help_text="contributions paid in the quarter")
    collected_som = SomField(source="collected_tiyin")
    revenue_tiyin = serializers.IntegerField(help_text="additional revenue received")
    revenue_som = SomField(source="revenue_tiyin")
    lease_tiyin = serializers.IntegerField(help_text="of it, from leases")
    lease_som = SomField(source="lease_tiyin")
    revenue_by_kind = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="tiyin by kind of additional revenue (" + ", ".join(RevenueKind.values) + ")",
    )


class TotalsOut(serializers.Serializer):
    expenses_tiyin = serializers.IntegerField()
    expenses_som = SomField(source="expenses_tiyin")
    works_tiyin = serializers.IntegerField(help_text="the cost of the work lines")
    works_som = SomField(source="works_tiyin")
    balance_tiyin = serializers.IntegerField(
        help_text="collected contributions and additional revenue, less the expenses"
    )
    balance_som = SomField(source="balance_tiyin")
    program_items = serializers.IntegerField(help_text="items of the lot's five-year program")
    program_done = serializers.IntegerField(help_text="of them, done")
    program_percent = serializers.IntegerField(allow_null=True)
    program_tiyin = serializers.IntegerField()
    program_done_tiyin = serializers.IntegerField()


class ExpenseOut(serializers.ModelSerializer[ReportExpense]):
    amount_som = SomField(source="amount_tiyin")

    class Meta:
        model = ReportExpense
        fields = ["category", "amount_tiyin", "amount_som"]


class ItemRef(serializers.ModelSerializer[ProgramItem]):
    building = serializers.IntegerField(source="building_id")

    class Meta:
        model = ProgramItem
        fields = ["id", "year", "building", "element", "work", "cost_tiyin"]


class WorkOut(serializers.ModelSerializer[ReportWork]):
    item = ItemRef(allow_null=True, help_text="the program item; null for unplanned work")
    status = serializers.ChoiceField(choices=WorkStatus.choices, read_only=True)
    cost_som = SomField(source="cost_tiyin")
    document_url = serializers.SerializerMethodField(
        help_text="the document's download (the report page's link); null without one"
    )

    class Meta:
        model = ReportWork
        fields = [
            "id",
            "item",
            "unplanned",
            "description",
            "status",
            "cost_tiyin",
            "cost_som",
            "document_url",
        ]

    def get_document_url(self, work: ReportWork) -> str | None:
        if not work.document:
            return None
        path = _work_document_path(work.pk)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ReportDetailOut(ReportOut):
    """A report with its income (frozen at submission; a draft's is the ledger's now),
    expenses, works and totals."""

    income = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    expenses = serializers.SerializerMethodField()
    works = serializers.SerializerMethodField()

    class Meta(ReportOut.Meta):
        fields = [*ReportOut.Meta.fields, "income", "totals", "expenses", "works"]

    def _totals(self, report: QuarterlyReport) -> dict[str, Any]:
        # once per report: a draft's income is read from the ledger, and the totals hold it
        # (report_totals reads report_income_of)
        cache = self.context.setdefault("totals", {})
        if report.pk not in cache:
            cache[report.pk] = report_totals(report)
        return cache[report.pk]

    @extend_schema_field(IncomeOut)
    def get_income(self, report: QuarterlyReport) -> Any:
        return IncomeOut(self._totals(report)["income"]).data

    @extend_schema_field(TotalsOut)
    def get_totals(self, report: QuarterlyReport) -> Any:
        return TotalsOut(self._totals(report)).data

    @extend_schema_field(ExpenseOut(many=True))
    def get_expenses(self, report: QuarterlyReport) -> Any:
        return ExpenseOut(report.expenses.order_by("category"), many=True).data

    @extend_schema_field(WorkOut(many=True))
    def get_works(self, report: QuarterlyReport) -> Any:
        works = report.works.select_related("item").order_by("pk")
        return WorkOut(works, many=True, context=self.context).data


def _detail(request: Request, report: QuarterlyReport, code: int = 200) -> Response:
    found = selectors.report_for(request.user, report.pk)
    return Response(ReportDetailOut(found, context={"request": request}).data, status=code)


# --- requests ----------------------------------------------------------------------------------


class ReportFilter(serializers.Serializer):
    lot = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    quarter = _quarter_field(required=False)


class ReportIn(serializers.Serializer):
    lot = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="a lot the login's MC manages"
    )
    quarter = _quarter_field()


class ExpensesIn(serializers.Serializer):
    expenses = serializers.DictField(
        child=TiyinField(),
        allow_empty=False,
        help_text=(
            "tiyin by category (maintenance, repairs, utilities_common, salaries, "
            "management, other); each replaces the category's amount"
        ),
    )

    def validate_expenses(self, value: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(value) - set(ExpenseCategory.values))
        if unknown:
            raise serializers.ValidationError({key: [str(MSG_BAD_CATEGORY)] for key in unknown})
        return value


class WorkIn(serializers.Serializer):
    description = serializers.CharField(max_length=500)
    status = serializers.ChoiceField(choices=WorkStatus.choices)
    cost_tiyin = TiyinField()
    item = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="an item of the lot's five-year program (or unplanned: true)",
    )
    unplanned = serializers.BooleanField(required=False, default=False)
    document = serializers.FileField(
        required=False,
        allow_null=True,
        validators=[validate_document],
        help_text="PDF, JPG or PNG, up to 10 MB (multipart); required for done work",
    )


# --- views -------------------------------------------------------------------------------------


class ReportList(generics.ListAPIView[QuarterlyReport]):
    """The reports the login reads, by lot, newest quarter and version first: the
    submitted reports of its lots (an owner's, its MC's, its councils', its region's),
    and the drafts of the lots its MC manages (its director and accountant).

    POST opens the draft of a lot's quarter (the director or the accountant of the MC
    that manages the lot; anyone who files no lot: 404): 201 with a new draft (version
    1, or the correction of the last submitted version), 200 with the open draft."""

    serializer_class = ReportOut
    filter_backends: list[Any] = []
    parser_classes = [JSONParser]

    def get_queryset(self) -> Any:
        found = ReportFilter(data=self.request.query_params)
        found.is_valid(raise_exception=True)
        reports = selectors.reports_visible_to(self.request.user)
        if "lot" in found.validated_data:
            reports = reports.filter(lot_id=found.validated_data["lot"])
        if "quarter" in found.validated_data:
            reports = reports.filter(quarter=found.validated_data["quarter"])
        return reports

    @extend_schema(
        parameters=[
            OpenApiParameter("lot", OpenApiTypes.INT, description="only this lot's reports"),
            OpenApiParameter(
                "quarter", OpenApiTypes.DATE, description="only this quarter's (its first day)"
            ),
        ],
        responses={200: ReportOut(many=True), 400: ErrorOut},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ReportIn,
        responses={200: ReportDetailOut, 201: ReportDetailOut, 400: ErrorOut},
    )
    def post(self, request: Request) -> Response:
        lots = selectors.filable_lots(request.user)
        if not lots.exists():
            raise exceptions.NotFound
        data = ReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        lot = lots.filter(pk=data.validated_data["lot"]).first()
        if lot is None:
            raise serializers.ValidationError({"lot": [str(MSG_MAY_NOT_FILE)]})
        at = timezone.now()
        try:
            report = report_draft(
                lot=lot, quarter=data.validated_data["quarter"], by=request.user, at=at
            )
        except ReportError as exc:
            return _refused(exc)
        created = report.created_at == at  # else the open draft, as it was
        return _detail(request, report, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ReportDetail(generics.GenericAPIView[QuarterlyReport]):
    """A report the login reads (404 otherwise), with its income, expenses, works and
    totals. PATCH sets the draft's expenses by category (the director or the accountant
    of the lot's MC; who reads the report but may not file it: 403), all or none."""

    serializer_class = ReportDetailOut
    parser_classes = [JSONParser]

    @extend_schema(responses={200: ReportDetailOut})
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, selectors.report_for(request.user, pk))

    @extend_schema(
        request=ExpensesIn, responses={200: ReportDetailOut, 400: ErrorOut, 403: ErrorOut}
    )
    def patch(self, request: Request, pk: int) -> Response:
        report = _filed(request, pk)
        data = ExpensesIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with transaction.atomic():  # every category or none
                for category, amount in data.validated_data["expenses"].items():
                    report_expense_set(
                        report=report, category=category, amount_tiyin=amount, by=request.user
                    )
        except ReportError as exc:
            return _refused(exc)
        return _detail(request, report)


class ReportWorks(generics.GenericAPIView[QuarterlyReport]):
    """POST adds a line of works to the draft (JSON, or multipart with its ``document``):
    an item of the lot's program or unplanned work; done work needs its document. The
    director or the accountant of the lot's MC; who reads the report but may not file it:
    403."""

    serializer_class = WorkIn
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(request=WorkIn, responses={201: WorkOut, 400: ErrorOut, 403: ErrorOut})
    def post(self, request: Request, pk: int) -> Response:
        report = _filed(request, pk)
        data = WorkIn(data=request.data, context={"form": _is_form(request)})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = None
        if values.get("item") is not None:
            item = ProgramItem.objects.filter(pk=values["item"], lot_id=report.lot_id).first()
            if item is None:
                raise serializers.ValidationError({"item": [str(MSG_ITEM_ELSEWHERE)]})
        try:
            work = report_work_add(
                report=report,
                description=values["description"],
                status=values["status"],
                cost_tiyin=values["cost_tiyin"],
                item=item,
                unplanned=values["unplanned"],
                document=values.get("document"),
                by=request.user,
            )
        except ReportError as exc:
            return _refused(exc)
        out = WorkOut(work, context={"request": request})
        return Response(out.data, status=status.HTTP_201_CREATED)


class ReportSubmit(generics.GenericAPIView[QuarterlyReport]):
    """POST submits the draft: frozen from then on (a correction is a new version), and
    the suspension of its quarter lifts for the months not yet accrued (DOMAIN.md). The
    director or the accountant of the lot's MC; who reads the report but may not file
    it: 403; a submitted report: 400."""

    serializer_class = ReportDetailOut

    @extend_schema(request=None, responses={200: ReportDetailOut, 400: ErrorOut, 403: ErrorOut})
    def post(self, request: Request, pk: int) -> Response:
        report = _filed(request, pk)
        try:
            report = report_submit(report=report, by=request.user)
        except ReportError as exc:
            return _refused(exc)
        return _detail(request, report)


class ReportVersions(generics.ListAPIView[QuarterlyReport]):
    """Every version of the report's lot and quarter that the login reads, newest first
    (404 to who does not read the report itself)."""

    serializer_class = ReportOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        report = selectors.report_for(self.request.user, self.kwargs["pk"])
        return selectors.quarter_versions(self.request.user, report.lot, report.quarter)
