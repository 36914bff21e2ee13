"""The monthly receipt of an apartment (DOMAIN.md "Billing": "a monthly PDF receipt per
apartment (Uzbek/Russian) with the balance, the charges, the payments and a QR payment
link"), rendered with WeasyPrint like the meeting protocols (voting.pdf).

The QR code holds the Payme checkout link (Click's where Payme is not configured) for the
amount the receipt asks: the month's closing debt, but never more than the apartment owes
today (an old receipt scanned after later payments does not ask for money already paid),
raised to the smallest payment. A month that closes settled or in credit, or an apartment
that owes nothing now, asks for nothing and carries no code.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from billing import checkout, selectors
from billing.accrual import tariff_in_force
from buildings.models import Apartment
from core.periods import period_text
from core.qr import qr_svg
from voting.pdf import pdf_response

LANGUAGES = ("uz", "ru")


def qr_data_uri(text: str) -> str:
    svg = qr_svg(text, level="M")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def receipt_amount(*, due_tiyin: int, balance_tiyin: int) -> int | None:
    """What the receipt's code asks: the month's closing debt, at most today's debt."""
    return checkout.default_amount(min(due_tiyin, balance_tiyin))


def receipt_response(
    request: HttpRequest, apartment: Apartment, period: dt.date, language: str
) -> HttpResponse:
    """The receipt PDF of ``period`` (404 for a month without charges, payments or a
    suspension: there is nothing to show)."""
    lot = selectors.lot_of(apartment)
    lot_id = lot.pk if lot else None
    found, month = selectors.month_or_404(apartment.pk, lot_id, period)
    amount = receipt_amount(due_tiyin=month.due_tiyin, balance_tiyin=found.balance_tiyin)
    link = None
    if amount is not None:
        back = request.build_absolute_uri(reverse("billing:apartment", args=[apartment.pk]))
        links = checkout.pay_links(
            account=apartment.account_number,
            amount_tiyin=amount,
            language=language,
            return_url=back,
        )
        link = links[0] if links else None
    tariff = tariff_in_force(lot_id, period) if lot_id else None
    context = {
        "apartment": apartment,
        "building": apartment.building,
        "lot": lot,
        "company": lot.manager if lot else None,
        "month": month,
        "balance_tiyin": found.balance_tiyin,
        "payments": selectors.payments(apartment.pk, period),
        "tariff": tariff,
        "amount": amount,
        "link": link,
        "qr": qr_data_uri(link.url) if link else None,
        "issued_at": timezone.now(),
    }
    name = f"receipt-{apartment.account_number}-{period_text(period)}.pdf"
    with translation.override(language):
        response = pdf_response(request, "billing/receipt.html", context, name)
    response["Content-Language"] = language
    return response
