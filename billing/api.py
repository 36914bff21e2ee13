"""Bills and tariffs API, scoped like the pages (billing.selectors, billing.policies): "my
bills" (every apartment the login owns, with its months, receipts and checkout links), an
apartment's bill, and a lot's tariffs (the history, and setting the next one).

Money is integer tiyin (``*_tiyin``); where a page shows an amount, the answer also
carries it formatted as the page does (``*_som``, core.money.format_som). The revenue,
lease, violation and inspection endpoints are in billing.revenue_api.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import roles_of
from billing import checkout, policies, receipts, selectors
from billing.models import Tariff
from billing.services import MSG_MAY_NOT_SET, BillingError, tariff_set
from buildings.models import Apartment
from core.api import ErrorOut
from core.money import format_som
from core.periods import period_text

# --- shared fields -----------------------------------------------------------------------------


@extend_schema_field({"type": "string", "example": "1\u00a0234\u00a0567 so'm"})
class SomField(serializers.ReadOnlyField):
    """An amount of tiyin as the pages show it: ``1 234 567 so'm`` (core.money)."""

    def to_representation(self, value: Any) -> str:
        return format_som(int(value))


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-12"})
class PeriodField(serializers.ReadOnlyField):
    """A billing month as ``YYYY-MM`` (core.periods)."""

    def to_representation(self, value: Any) -> str:
        return period_text(value)


class LotRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()


class CompanyRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    tin = serializers.CharField()


def _absolute(request: Request | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# --- bills -------------------------------------------------------------------------------------


class ReceiptLinks(serializers.Serializer):
    uz = serializers.CharField(help_text="the month's receipt PDF in Uzbek")
    ru = serializers.CharField(help_text="the month's receipt PDF in Russian")


class MonthOut(serializers.Serializer):
    period = PeriodField()
    opening_tiyin = serializers.IntegerField()
    opening_som = SomField(source="opening_tiyin")
    charges_tiyin = serializers.IntegerField()
    charges_som = SomField(source="charges_tiyin")
    payments_tiyin = serializers.IntegerField(help_text="paid in the month, positive")
    payments_som = SomField(source="payments_tiyin")
    adjustments_tiyin = serializers.IntegerField(
        help_text="reversals and other corrections, signed (positive: owes more)"
    )
    adjustments_som = SomField(source="adjustments_tiyin")
    closing_tiyin = serializers.IntegerField()
    closing_som = SomField(source="closing_tiyin")
    suspended_reason = serializers.CharField(
        allow_null=True,
        help_text="the month was not charged: the lot's accrual was suspended, for this reason",
    )
    receipt_pdf = serializers.SerializerMethodField()

    @extend_schema_field(ReceiptLinks)
    def get_receipt_pdf(self, month: selectors.Month) -> dict[str, str]:
        # the API's own route: a token downloads it as a session does
        path = reverse(
            "api:apartment-receipt", args=[self.context["apartment"], period_text(month.period)]
        )
        request = self.context.get("request")
        return {lang: _absolute(request, f"{path}?lang={lang}") for lang in receipts.LANGUAGES}


class PayLinkOut(serializers.Serializer):
    provider = serializers.CharField(help_text="payme or click")
    name = serializers.CharField(source="label", help_text="the provider's name, for the button")
    url = serializers.CharField(help_text="the provider's checkout page")


class PayOut(serializers.Serializer):
    amount_tiyin = serializers.IntegerField(
        allow_null=True, help_text="what the links ask: the debt (at least the smallest payment)"
    )
    amount_som = serializers.CharField(allow_null=True)
    links = PayLinkOut(many=True, help_text="empty while nothing is due or no provider is set up")


class SuspensionOut(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    notice = serializers.SerializerMethodField(help_text="the notice as the bill page shows it")

    def get_notice(self, notice: selectors.SuspensionNotice) -> str:
        return suspension_notice(notice)


def suspension_notice(notice: selectors.SuspensionNotice) -> str:
    """The bill page's notice (templates/billing/apartment_bill.html), in its words."""
    start = f"{notice.starts_on:%d.%m.%Y}"
    if notice.ends_on is not None:
        sentence = _(
            "Accrual of contributions for your lot is suspended from %(start)s until %(end)s."
        ) % {"start": start, "end": f"{notice.ends_on:%d.%m.%Y}"}
    else:
        sentence = _("Accrual of contributions for your lot is suspended from %(start)s.") % {
            "start": start
        }
    never = _("Months skipped while suspended are never charged later.")
    return f"{sentence} {_('Reason:')} {notice.reason} {never}"


class BillOut(serializers.Serializer):
    """An apartment's bill: as "my bills" lists it and as its page shows it."""

    id = serializers.IntegerField(source="apartment.pk")
    address = serializers.CharField(source="apartment.building.address")
    number = serializers.CharField(source="apartment.number")
    area_m2 = serializers.DecimalField(source="apartment.area_m2", max_digits=8, decimal_places=2)
    account_number = serializers.CharField(
        source="apartment.account_number", help_text="the personal account number owners pay to"
    )
    lot = LotRef(allow_null=True)
    management_company = CompanyRef(source="lot.manager", allow_null=True)
    balance_tiyin = serializers.IntegerField(
        source="statement.balance_tiyin", help_text="owed (negative: credit)"
    )
    balance_som = SomField(source="statement.balance_tiyin")
    suspension = SuspensionOut(
        allow_null=True, help_text="the suspension of the lot's accrual in force today"
    )
    pay = serializers.SerializerMethodField()
    months = serializers.SerializerMethodField(help_text="newest first")

    @extend_schema_field(PayOut)
    def get_pay(self, bill: selectors.Bill) -> dict[str, Any]:
        amounts = self.context.get("amounts", {})
        amount = amounts.get(
            bill.apartment.pk, checkout.default_amount(bill.statement.balance_tiyin)
        )
        links: list[checkout.PayLink] = []
        if amount is not None:
            back = reverse("billing:apartment", args=[bill.apartment.pk])
            links = checkout.pay_links(
                account=bill.apartment.account_number,
                amount_tiyin=amount,
                language=translation.get_language() or "uz",
                return_url=_absolute(self.context.get("request"), back),
            )
        return {
            "amount_tiyin": amount,
            "amount_som": format_som(amount) if amount is not None else None,
            "links": PayLinkOut(links, many=True).data,
        }

    @extend_schema_field(MonthOut(many=True))
    def get_months(self, bill: selectors.Bill) -> Any:
        context = {**self.context, "apartment": bill.apartment.pk}
        return MonthOut(bill.statement.months, many=True, context=context).data


class PaymentOut(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField(help_text="payment, or reversal (a cancelled payment)")
    amount_tiyin = serializers.IntegerField(help_text="paid, positive (a reversal: negative)")
    amount_som = SomField(source="amount_tiyin")
    provider = serializers.CharField()


class BillDetailOut(BillOut):
    payments = serializers.SerializerMethodField(help_text="the latest 50, newest first")

    @extend_schema_field(PaymentOut(many=True))
    def get_payments(self, bill: selectors.Bill) -> Any:
        return PaymentOut(selectors.payments(bill.apartment.pk), many=True).data


class MyBills(generics.ListAPIView[Apartment]):
    """The signed-in owner's apartments, each with its bill: balance, months (with their
    receipts), the Pay links and the suspension notice. The same number of queries
    whatever the number of apartments on the page and of months."""

    serializer_class = BillOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.apartments_billed_to(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the project paginates every list
        found = selectors.bills(list(page))
        return self.get_paginated_response(
            BillOut(found, many=True, context={"request": request}).data
        )


class ApartmentReceipt(APIView):
    """The monthly receipt (PDF) of an apartment, for its owners (anyone else: 404), for a
    token as for a session: the receipt page itself answers (``?lang=uz|ru``; the same
    access, the same errors)."""

    @extend_schema(
        parameters=[OpenApiParameter("lang", str, enum=list(receipts.LANGUAGES))],
        responses={(200, "application/pdf"): bytes, 400: ErrorOut},
    )
    def get(self, request: Request, pk: int, period: str) -> Any:
        from billing.views import receipt

        return receipt(request._request, pk, period)


class ApartmentBill(APIView):
    """One apartment's bill, for its owners (anyone else: 404), with its payments; the
    Pay links for the debt, or for ``?amount=`` (so'm) as the bill page takes it."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "amount", str, description="the amount to pay, in so'm (e.g. 150000 or 150000.50)"
            )
        ],
        responses={200: BillDetailOut, 400: ErrorOut},
    )
    def get(self, request: Request, pk: int) -> Response:
        apartment = selectors.apartment_for(request.user, pk)
        amounts: dict[int, int] = {}
        entered = request.query_params.get("amount")
        if entered is not None:
            try:
                amounts[apartment.pk] = checkout.amount_parse(entered)
            except checkout.AmountError as exc:
                return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
        (bill,) = selectors.bills([apartment])
        context = {"request": request, "amounts": amounts}
        return Response(BillDetailOut(bill, context=context).data)


# --- tariffs -----------------------------------------------------------------------------------


class TariffOut(serializers.ModelSerializer[Tariff]):
    som_per_m2 = SomField(source="tiyin_per_m2")

    class Meta:
        model = Tariff
        fields = [
            "id",
            "effective_from",
            "tiyin_per_m2",
            "som_per_m2",
            "set_by_role",
            "set_at",
            "reason",
        ]


class TariffIn(serializers.Serializer):
    tiyin_per_m2 = serializers.IntegerField(help_text="tiyin per m² per month, more than zero")
    effective_from = serializers.DateField(
        help_text="the first day of a month, not before the current month nor a month charged"
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class LotTariffs(generics.ListAPIView[Tariff]):
    """A lot's tariff history, newest first, for those who see the lot's money (its MC,
    its councils, its region's inspectors; anyone else: 404). POST sets the next tariff:
    the lot's councils and its region's inspectors (billing.policies.tariff_q), as the
    tariffs page does; who sees the lot but may not set it gets 403."""

    serializer_class = TariffOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.tariff_history(
            selectors.money_lot_for(self.request.user, self.kwargs["pk"])
        )

    @extend_schema(request=TariffIn, responses={201: TariffOut, 400: ErrorOut, 403: ErrorOut})
    def post(self, request: Request, pk: int) -> Response:
        lot = selectors.money_lot_for(request.user, pk)
        if not policies.may_set_tariff(roles_of(request.user), lot):
            raise exceptions.PermissionDenied(MSG_MAY_NOT_SET)
        data = TariffIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            tariff = tariff_set(
                lot=lot,
                tiyin_per_m2=data.validated_data["tiyin_per_m2"],
                effective_from=data.validated_data["effective_from"],
                by=request.user,
                reason=data.validated_data["reason"],
            )
        except BillingError as exc:
            return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(TariffOut(tariff).data, status=status.HTTP_201_CREATED)
