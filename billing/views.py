"""Bill pages: "my bills", an apartment's bill with the Pay links, the monthly receipt
(PDF), and the tariffs of a lot. Every read is scoped (billing.selectors): another
owner's apartment, receipt or lot is a 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from billing import checkout, receipts, selectors
from billing.forms import TariffForm
from billing.services import BillingError, tariff_earliest, tariff_set
from buildings.owner_pages import owner_page
from core.money import format_som
from core.periods import BadPeriod, period_parse


@login_required
@require_GET
@owner_page("my-bills")
def my_bills(request: HttpRequest) -> HttpResponse:
    """The login's apartments, each with its balance (one query)."""
    apartments = list(selectors.apartments_billed_to(request.user)[:100])
    return render(request, "billing/my_bills.html", {"apartments": apartments})


@login_required
@require_GET
@owner_page("apartment-bill")
def apartment_bill(request: HttpRequest, pk: int) -> HttpResponse:
    """The months, the balance, the payments, a receipt per month and the Pay links: for
    the current debt, or the amount the owner entered (``?amount=`` in so'm)."""
    apartment = selectors.apartment_for(request.user, pk)
    lot = selectors.lot_of(apartment)
    found = selectors.statement(apartment.pk, lot.pk if lot else None)
    status = 200
    error = None
    entered = request.GET.get("amount")
    amount: int | None
    if entered is not None:
        try:
            amount = checkout.amount_parse(entered)
        except checkout.AmountError as exc:
            amount, error, status = None, exc.message, 400
    else:
        amount = checkout.default_amount(found.balance_tiyin)
    links: list[checkout.PayLink] = []
    if amount is not None:
        links = checkout.pay_links(
            account=apartment.account_number,
            amount_tiyin=amount,
            language=translation.get_language() or "uz",
            return_url=request.build_absolute_uri(reverse("billing:apartment", args=[pk])),
        )
    context = {
        "apartment": apartment,
        "lot": lot,
        "statement": found,
        "payments": selectors.payments(apartment.pk),
        "suspension": selectors.suspension_now(lot.pk if lot else None),
        "amount": amount,
        "amount_entered": entered if entered is not None else "",
        "amount_error": error,
        "links": links,
        "min_payment": format_som(settings.PAYMENT_MIN_TIYIN),
    }
    return render(request, "billing/apartment_bill.html", context, status=status)


@login_required
@require_GET
def receipt(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    """The monthly receipt (PDF) in Uzbek or Russian: ``?lang=uz|ru``, else the reader's
    language where it is one of them, else Uzbek."""
    apartment = selectors.apartment_for(request.user, pk)
    try:
        month = period_parse(period)
    except BadPeriod:
        return HttpResponseBadRequest(_("The month is written as YYYY-MM."))
    language = request.GET.get("lang")
    if language is not None and language not in receipts.LANGUAGES:
        return HttpResponseBadRequest(_("A receipt is in Uzbek (uz) or Russian (ru)."))
    if language is None:
        current = translation.get_language() or ""
        language = current if current in receipts.LANGUAGES else receipts.LANGUAGES[0]
    return receipts.receipt_response(request, apartment, month, language)


@login_required
@require_http_methods(["GET", "POST"])
def tariffs(request: HttpRequest, pk: int) -> HttpResponse:
    """A lot's tariff history and the form that sets the next one, for the lot's councils
    and its region's inspectors (billing.policies.tariff_q; 404 for everyone else)."""
    lot = selectors.tariff_lot_for(request.user, pk)
    # bound on every POST, an empty one included: it is refused with the form's errors
    form = TariffForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                tariff_set(
                    lot=lot,
                    tiyin_per_m2=form.tiyin_per_m2(),
                    effective_from=form.cleaned_data["effective_from"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except BillingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The tariff was set."))
                return redirect("billing:tariffs", lot.pk)
    context: dict[str, Any] = {
        "lot": lot,
        "history": list(selectors.tariff_history(lot)[:200]),
        "form": form,
        "earliest": tariff_earliest(lot, timezone.now()),
    }
    return render(request, "billing/tariffs.html", context, status=status)
