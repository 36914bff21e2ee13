"""Click's SHOP API at ``POST /api/v1/payments/click/prepare/`` (action 0) and
``…/complete/`` (action 1) (issue 10, point 5).

Read from Click's documentation, docs.click.uz "SHOP API" → "Запросы" and "Ошибки" (through
the search tool, in the mirror ubranch/uzbekistan-payment-skills, references
02-shop-api-requests.md and 03-shop-api-errors.md), and Click's own integrations
(click-llc/click-integration-php, BasicPaymentsErrors.php):

- form-encoded POSTs; the answer is JSON (we answer HTTP 200 always, as Click reads the
  ``error`` member);
- Prepare carries click_trans_id, service_id, click_paydoc_id, merchant_trans_id (ours: the
  personal account number), amount (so'm, as Click formats it), action, error, error_note,
  sign_time ("YYYY-MM-DD HH:mm:ss"), sign_string; Complete also merchant_prepare_id (the id
  our Prepare answered: the provider transaction's pk);
- ``sign_string = MD5(click_trans_id + service_id + SECRET_KEY + merchant_trans_id +
  [merchant_prepare_id, Complete only] + amount + action + sign_time)``, over the values
  exactly as sent (the amount is never reformatted before hashing);
- our codes: 0 Success, -1 SIGN CHECK FAILED!, -2 Incorrect parameter amount, -3 Action not
  found, -4 Already paid, -5 User does not exist, -6 Transaction does not exist, -7 Failed to
  update user, -8 Error in request from click (a parameter missing or malformed, or another
  service's id), -9 Transaction cancelled;
- "When receiving a negative error code, the supplier MUST cancel the payment in the billing
  system and return the error code -9": a Complete with ``error`` < 0 cancels the prepared
  transaction (and reverses a performed one, as Click's test suite, scenario 8, expects);
- "The supplier MUST protect against repetitive payment for a previously confirmed payment
  with the same click_trans_id": a repeated successful Complete answers -4 "Already paid",
  and no second ledger transaction is made (the transaction's row lock, its state check and
  the partial unique index of ClickComplete);
- a repeated Prepare of a click_trans_id we hold in state 1 answers the same
  merchant_prepare_id again.

Amounts: Click sends so'm with up to two decimals ("1000", "1000.5", "1000.00"); they are
converted to tiyin exactly (``Decimal``, never a float), and anything else is -2.
The accounts are accumulative (billing.payments.services): any number of prepares per
apartment, partial payments and overpayments alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing.models import ClickComplete, ClickPrepare, PaymentState, Provider
from billing.payments import messages as m
from billing.payments.services import (
    amount_allowed,
    apartment_for_account,
    ms,
    payment_cancel,
    payment_create,
    payment_locked,
    payment_perform,
)

PREPARE = 0
COMPLETE = 1
FIELDS = (
    "click_trans_id",
    "service_id",
    "click_paydoc_id",
    "merchant_trans_id",
    "amount",
    "action",
    "error",
    "error_note",
    "sign_time",
    "sign_string",
)
_DIGITS = re.compile(r"[0-9]{1,18}")  # a bigint that fits a signed 64-bit column
_ERROR = re.compile(r"0|-[1-9][0-9]{0,8}")  # Click's error: 0, or negative
_AMOUNT = re.compile(r"(0|[1-9][0-9]{0,13})(\.[0-9]{1,2})?")
_SIGN_TIME = "%Y-%m-%d %H:%M:%S"
TASHKENT = ZoneInfo("Asia/Tashkent")
log = logging.getLogger(__name__)


class ClickRequest:
    """A request's fields as sent (strings), checked for presence and form."""

    def __init__(self, form: Mapping[str, Any]) -> None:
        # The action is the one sent (and signed): Complete's fields and formula for "1",
        # Prepare's otherwise; the endpoint compares it with its own (-3 when they differ).
        self.action = COMPLETE if form.get("action") == "1" else PREPARE
        names = (*FIELDS, "merchant_prepare_id") if self.action == COMPLETE else FIELDS
        self.raw = {name: form.get(name) for name in names}
        self.missing = [
            n
            for n, v in self.raw.items()
            if (not isinstance(v, str) or v == "") and n != "error_note"  # a note may be empty
        ]

    def text(self, name: str) -> str:
        value = self.raw.get(name)
        return value if isinstance(value, str) else ""

    @property
    def well_formed(self) -> bool:
        if self.missing:
            return False
        digits = ["click_trans_id", "service_id", "click_paydoc_id", "action"]
        if self.action == COMPLETE:
            digits.append("merchant_prepare_id")
        if not all(_DIGITS.fullmatch(self.text(n)) for n in digits):
            return False
        if not _ERROR.fullmatch(self.text("error")):
            return False
        return _sign_time(self.text("sign_time")) is not None

    def signature_valid(self) -> bool:
        parts = [
            self.text("click_trans_id"),
            self.text("service_id"),
            settings.CLICK_SECRET_KEY,
            self.text("merchant_trans_id"),
        ]
        if self.action == COMPLETE:
            parts.append(self.text("merchant_prepare_id"))
        parts += [self.text("amount"), self.text("action"), self.text("sign_time")]
        expected = hashlib.md5("".join(parts).encode(), usedforsecurity=False).hexdigest()
        given = self.text("sign_string").strip().lower()
        return bool(settings.CLICK_SECRET_KEY) and hmac.compare_digest(
            given.encode(), expected.encode()
        )

    @property
    def click_trans_id(self) -> str:
        return self.text("click_trans_id")

    @property
    def account(self) -> str:
        return self.text("merchant_trans_id")

    @property
    def click_error(self) -> int:
        return int(self.text("error"))


def _sign_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, _SIGN_TIME).replace(tzinfo=TASHKENT)
    except ValueError:
        return None


def som_to_tiyin(value: str) -> int | None:
    """So'm with at most two decimals, as Click sends them, in tiyin, exactly."""
    if not _AMOUNT.fullmatch(value):
        return None
    try:
        tiyin = Decimal(value) * 100
    except InvalidOperation:
        return None
    return int(tiyin) if tiyin == tiyin.to_integral_value() else None


def _reply(request: ClickRequest, error: int, **ids: int | None) -> dict[str, Any]:
    reply: dict[str, Any] = {}
    if _DIGITS.fullmatch(request.click_trans_id):
        reply["click_trans_id"] = int(request.click_trans_id)
    if request.raw.get("merchant_trans_id") is not None:
        reply["merchant_trans_id"] = request.account
    reply.update(ids)
    reply["error"] = error
    reply["error_note"] = m.CLICK[error]
    return reply


def _checked(request: ClickRequest, action: int) -> int | None:
    """The error code of a request that fails the checks common to both actions, or None."""
    if not request.well_formed:
        return m.CLICK_BAD_REQUEST
    if not request.signature_valid():
        return m.CLICK_SIGN_FAILED
    if request.text("service_id") != settings.CLICK_SERVICE_ID:
        return m.CLICK_BAD_REQUEST
    if int(request.text("action")) != action:
        return m.CLICK_ACTION_NOT_FOUND
    return None


def _guarded(
    handler: Callable[[ClickRequest], dict[str, Any]], form: Mapping[str, Any], id_name: str
) -> dict[str, Any]:
    """A failure of ours (the database, a bug) answers -7 "Failed to update user", Click's
    code for an error while changing the account, with everything rolled back: Click
    retries, and the retry is safe."""
    request = ClickRequest(form)
    try:
        return handler(request)
    except Exception:
        log.exception("Click %s failed", id_name)
        return _reply(request, m.CLICK_UPDATE_FAILED, **{id_name: None})


def sign_refused(form: Mapping[str, Any], action: int) -> dict[str, Any]:
    """The answer to a caller locked out after too many wrong signatures: -1 SIGN CHECK
    FAILED, without checking the signature (billing.payments.views)."""
    id_name = "merchant_prepare_id" if action == PREPARE else "merchant_confirm_id"
    return _reply(ClickRequest(form), m.CLICK_SIGN_FAILED, **{id_name: None})


def prepare(form: Mapping[str, Any]) -> dict[str, Any]:
    return _guarded(_prepare, form, "merchant_prepare_id")


def complete(form: Mapping[str, Any]) -> dict[str, Any]:
    return _guarded(_complete, form, "merchant_confirm_id")


def _prepare(request: ClickRequest) -> dict[str, Any]:
    """Prepare (action 0): check the account and the amount, and hold a transaction in state
    1 whose pk is the merchant_prepare_id."""
    refused = _checked(request, PREPARE)
    if refused is not None:
        return _reply(request, refused, merchant_prepare_id=None)
    amount = som_to_tiyin(request.text("amount"))
    if amount is None or not amount_allowed(amount):
        return _reply(request, m.CLICK_BAD_AMOUNT, merchant_prepare_id=None)
    apartment_id = apartment_for_account(request.account)
    if apartment_id is None:
        return _reply(request, m.CLICK_USER_NOT_FOUND, merchant_prepare_id=None)
    now = timezone.now()
    with transaction.atomic():
        payment = payment_locked(provider=Provider.CLICK, provider_id=request.click_trans_id)
        if payment is None:
            if request.click_error < 0:
                return _reply(request, m.CLICK_CANCELLED, merchant_prepare_id=None)
            signed = _sign_time(request.text("sign_time"))
            assert signed is not None
            payment, created = payment_create(
                provider=Provider.CLICK,
                provider_id=request.click_trans_id,
                apartment_id=apartment_id,
                account_number=request.account,
                amount_tiyin=amount,
                provider_time_ms=ms(signed),
                at=now,
            )
            if created:
                record = ClickPrepare(
                    transaction=payment,
                    click_paydoc_id=int(request.text("click_paydoc_id")),
                    amount_sent=request.text("amount"),
                    sign_time=request.text("sign_time"),
                    received_at=now,
                )
                record.full_clean(exclude=["transaction"])
                record.save()
                return _reply(request, m.CLICK_SUCCESS, merchant_prepare_id=payment.pk)
        # a prepare of a click_trans_id we hold: a retry, answered alike
        if payment.account_number != request.account:
            return _reply(request, m.CLICK_USER_NOT_FOUND, merchant_prepare_id=None)
        if payment.amount_tiyin != amount:
            return _reply(request, m.CLICK_BAD_AMOUNT, merchant_prepare_id=None)
        if payment.state == PaymentState.PERFORMED:
            return _reply(request, m.CLICK_ALREADY_PAID, merchant_prepare_id=payment.pk)
        if payment.state != PaymentState.CREATED:
            return _reply(request, m.CLICK_CANCELLED, merchant_prepare_id=payment.pk)
        if request.click_error < 0:
            payment_cancel(payment=payment, at=now, reason=None)
            return _reply(request, m.CLICK_CANCELLED, merchant_prepare_id=payment.pk)
        return _reply(request, m.CLICK_SUCCESS, merchant_prepare_id=payment.pk)


def _complete(request: ClickRequest) -> dict[str, Any]:
    """Complete (action 1): Click's error 0 performs the prepared transaction (once); a
    negative error cancels it."""
    refused = _checked(request, COMPLETE)
    if refused is not None:
        return _reply(request, refused, merchant_confirm_id=None)
    amount = som_to_tiyin(request.text("amount"))
    now = timezone.now()
    with transaction.atomic():
        payment = payment_locked(
            pk=int(request.text("merchant_prepare_id")), provider=Provider.CLICK
        )
        if (
            payment is None
            or payment.provider_id != request.click_trans_id
            or payment.account_number != request.account
        ):
            return _reply(request, m.CLICK_TRANSACTION_NOT_FOUND, merchant_confirm_id=None)
        if amount != payment.amount_tiyin:
            # Issue 10: "a complete whose amount differs from the prepare gives -2"
            return _reply(request, m.CLICK_BAD_AMOUNT, merchant_confirm_id=None)
        if request.click_error < 0:
            if payment.state in (PaymentState.CREATED, PaymentState.PERFORMED):
                payment_cancel(payment=payment, at=now, reason=None)
                _record(request, payment.pk, now)
            return _reply(request, m.CLICK_CANCELLED, merchant_confirm_id=None)
        if payment.state == PaymentState.PERFORMED:
            return _reply(request, m.CLICK_ALREADY_PAID, merchant_confirm_id=payment.payment_id)
        if payment.state != PaymentState.CREATED:
            return _reply(request, m.CLICK_CANCELLED, merchant_confirm_id=None)
        payment = payment_perform(payment=payment, at=now)
        _record(request, payment.pk, now)
        return _reply(request, m.CLICK_SUCCESS, merchant_confirm_id=payment.payment_id)


def _record(request: ClickRequest, payment_id: int, at: dt.datetime) -> None:
    """The Complete that changed the transaction (one success, one failure at most)."""
    prepare_record = ClickPrepare.objects.only("pk").get(transaction_id=payment_id)
    record = ClickComplete(
        prepare=prepare_record,
        click_error=request.click_error,
        error_note=request.text("error_note")[:300],
        sign_time=request.text("sign_time"),
        received_at=at,
    )
    record.full_clean(exclude=["prepare"], validate_unique=False, validate_constraints=False)
    record.save()
