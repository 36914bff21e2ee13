"""Payme's Merchant API at ``POST /api/v1/payments/payme/`` (issue 10, point 4).

Read from Payme's published protocol, developer.help.paycom.uz ("Протокол Merchant API",
"Методы Merchant API", "Песочница"), through the search tool:

- JSON-RPC 2.0 over HTTP POST, the answer is always HTTP 200 (an error is the ``error``
  member, "Схема взаимодействия"); a request that is not POST is -32300, JSON that does not
  parse -32700, a request without ``method``/``params`` or with a field of the wrong type
  -32600, an unknown method -32601 (``data`` = the method), a wrong login or key -32504.
- Authorisation: ``Authorization: Basic base64(login:password)``, the login "Paycom" and the
  password the cash desk's key (env ``PAYME_KEY``; Payme's sandbox uses the TEST_KEY).
- Types ("Типы данных"): ID a string, Timestamp 13-digit milliseconds, Amount a positive
  integer of tiyin, Account a JSON object (ours: ``{"account": "<12-digit number>"}``).
- States 1 (created), 2 (performed), -1 (cancelled), -2 (cancelled after perform); cancel
  reasons 1-5 and 10 (billing.models.CancelReason).
- CreateTransaction: "Если транзакция уже создана, приложение мерчанта производит базовую
  проверку транзакции": a known id in state 1 gets its create_time, transaction and state
  back; in any other state -31008; past the timeout it is cancelled first. The timeout:
  "через 12 часов — 43 200 000 миллисекунд с момента создания транзакции в Payme Business",
  then state -1 with reason 4.
- **Accumulative accounts.** The one-time-order rules of CreateTransaction ("Следует
  проверять соответствие суммы платежа сумме выставленного счёта", "бронировать заказ",
  and -31001 "Актуальна если выставлен одноразовый счёт") do not apply: "На накопительный
  счёт деньги могут поступать неограниченное количество раз. Пример накопительного счёта —
  счет мобильного оператора" ("Песочница"). So a CreateTransaction with a new id for an
  apartment that already has a pending (state 1) transaction is **created as well**, never
  refused: the apartment's account is a running balance, not an order to reserve. -31001
  is given only for an amount outside PAYMENT_MIN_TIYIN … PAYMENT_MAX_TIYIN.
- PerformTransaction: state 1 → 2 (past the timeout: cancelled with reason 4, -31008);
  state 2 → the same perform_time again; otherwise -31008; unknown id -31003.
- CancelTransaction "отменяет как созданную, так и проведенную транзакцию": 1 → -1,
  2 → -2 with the payment reversed in the ledger; an already cancelled one answers its own
  cancel_time and state again. -31007 ("Товар или услуга предоставлена потребителю в
  полном объеме") never applies to a contribution: a performed payment can always be
  returned, so it is not answered.
- CheckTransaction: create_time, perform_time, cancel_time (0 when none), transaction,
  state, reason (null when none).
- GetStatement(from, to): every transaction whose Payme ``time`` is within [from, to],
  ascending, with its account and receivers (null).
- "The same call repeated returns the identical reply": every reply is built from the
  stored row (the times are stored, never "now"), and the JSON-RPC ``id`` is echoed;
  Payme's sandbox sends Create, Perform and Cancel twice and compares the replies.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing.models import CancelReason, PaymentState, Provider, ProviderTransaction
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

log = logging.getLogger(__name__)

LOGIN = "Paycom"
TIMEOUT_MS = 43_200_000  # 12 hours (CreateTransaction, "Отмена по таймауту")
ACCOUNT_FIELD = "account"  # our sub-field of ``params.account``: the personal account number
MAX_ID_LENGTH = 64


class RpcError(Exception):
    def __init__(self, code: int, data: Any = None) -> None:
        super().__init__(code)
        self.code = code
        self.data = data


def _error(request_id: Any, code: int, data: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": dict(m.PAYME[code])}
    if data is not None:
        error["data"] = data
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


def authorized(header: str) -> bool:
    """HTTP Basic ``Paycom:<PAYME_KEY>``; an empty key never matches (production without
    PAYME_KEY refuses every call)."""
    key = settings.PAYME_KEY
    scheme, _, encoded = header.partition(" ")
    if not key or scheme.lower() != "basic" or not encoded:
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    login, sep, password = decoded.partition(":")
    if not sep:
        return False
    # both compared, always: no early exit on the login
    login_ok = hmac.compare_digest(login.encode(), LOGIN.encode())
    key_ok = hmac.compare_digest(password.encode(), key.encode())
    return login_ok and key_ok


def _parsed(body: bytes) -> tuple[bool, Any, Any]:
    """(parsed, payload, the JSON-RPC id to answer with)."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False, None, None
    request_id = payload.get("id") if isinstance(payload, dict) else None
    if isinstance(request_id, (dict, list)):
        request_id = None
    return True, payload, request_id


def refused(body: bytes) -> dict[str, Any]:
    """The answer to a caller locked out after too many wrong keys: the protocol's
    -32504, without looking at the key (billing.payments.views)."""
    return _error(_parsed(body)[2], m.INSUFFICIENT_PRIVILEGE)


def handle(*, http_method: str, authorization: str, body: bytes) -> dict[str, Any]:
    """One Merchant API call: the reply object (always sent with HTTP 200)."""
    parsed, payload, request_id = _parsed(body)
    if not authorized(authorization):
        return _error(request_id, m.INSUFFICIENT_PRIVILEGE)
    if http_method != "POST":
        return _error(request_id, m.METHOD_NOT_POST)
    if not parsed:
        return _error(None, m.PARSE_ERROR)
    if not isinstance(payload, dict):
        return _error(None, m.INVALID_REQUEST)
    method = payload.get("method")
    params = payload.get("params")
    if not isinstance(method, str) or not isinstance(params, dict):
        return _error(request_id, m.INVALID_REQUEST)
    handler = METHODS.get(method)
    if handler is None:
        return _error(request_id, m.METHOD_NOT_FOUND, method[:100])
    try:
        result = handler(params)
    except RpcError as exc:
        return _error(request_id, exc.code, exc.data)
    except Exception:
        log.exception("Payme %s failed", method)
        return _error(request_id, m.SYSTEM_ERROR)
    return {"jsonrpc": "2.0", "id": request_id, "result": result}


# --- parameters -----------------------------------------------------------------------------


def _int(params: dict[str, Any], name: str) -> int:
    value = params.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise RpcError(m.INVALID_REQUEST, name)
    return value


def _id(params: dict[str, Any]) -> str:
    value = params.get("id")
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_LENGTH:
        raise RpcError(m.INVALID_REQUEST, "id")
    return value


def _amount(params: dict[str, Any]) -> int:
    amount = _int(params, "amount")
    if not amount_allowed(amount):
        raise RpcError(m.INVALID_AMOUNT)
    return amount


def _account(params: dict[str, Any]) -> tuple[int, str]:
    """The apartment (pk) and its number, from ``params.account.account``."""
    account = params.get("account")
    if not isinstance(account, dict):
        raise RpcError(m.INVALID_REQUEST, "account")
    number = account.get(ACCOUNT_FIELD)
    apartment_id = apartment_for_account(number)
    if apartment_id is None:
        raise RpcError(m.ACCOUNT_NOT_FOUND, ACCOUNT_FIELD)
    assert isinstance(number, str)
    return apartment_id, number


def _expired(payment: ProviderTransaction, now_ms: int) -> bool:
    return now_ms - payment.provider_time_ms > TIMEOUT_MS


# --- methods --------------------------------------------------------------------------------
# A method either returns its result or raises RpcError. A change that must stay although
# the answer is an error (a cancellation by timeout) is made in an atomic block that has
# committed before the error is raised.


def check_perform_transaction(params: dict[str, Any]) -> dict[str, Any]:
    """Whether the payment is possible: the account exists, the amount is within limits."""
    _account(params)
    _amount(params)
    return {"allow": True}


def _created(payment: ProviderTransaction) -> dict[str, Any]:
    return {
        "create_time": payment.create_time_ms,
        "transaction": str(payment.pk),
        "state": payment.state,
    }


def _known(
    payment: ProviderTransaction, *, amount: int, account: str, now_ms: int
) -> dict[str, Any] | RpcError:
    """CreateTransaction for an id we hold ("базовая проверка транзакции")."""
    if payment.state != PaymentState.CREATED:
        return RpcError(m.CANNOT_PERFORM)
    if payment.amount_tiyin != amount or payment.account_number != account:
        return RpcError(m.CANNOT_PERFORM)  # the same id never names another payment
    if _expired(payment, now_ms):
        payment_cancel(payment=payment, at=timezone.now(), reason=CancelReason.TIMEOUT)
        return RpcError(m.CANNOT_PERFORM)
    return _created(payment)


def create_transaction(params: dict[str, Any]) -> dict[str, Any]:
    payme_id = _id(params)
    payme_time = _int(params, "time")
    amount = _int(params, "amount")
    if not isinstance(params.get("account"), dict):
        raise RpcError(m.INVALID_REQUEST, "account")
    number = params["account"].get(ACCOUNT_FIELD)
    now = timezone.now()
    now_ms = ms(now)
    apartment_id = apartment_for_account(number)
    with transaction.atomic():
        outcome: dict[str, Any] | RpcError
        too_late = now_ms - payme_time > TIMEOUT_MS  # created by Payme too long ago
        if apartment_id is None or not amount_allowed(amount) or too_late:
            # refused as new: a known id is answered as known all the same (a retry gets
            # its first reply), so this path looks first
            known = payment_locked(provider=Provider.PAYME, provider_id=payme_id)
            if known is not None:
                outcome = _known(known, amount=amount, account=number, now_ms=now_ms)
            elif apartment_id is None:
                outcome = RpcError(m.ACCOUNT_NOT_FOUND, ACCOUNT_FIELD)
            elif not amount_allowed(amount):
                outcome = RpcError(m.INVALID_AMOUNT)
            else:
                outcome = RpcError(m.CANNOT_PERFORM)
        else:
            payment, created = payment_create(
                provider=Provider.PAYME,
                provider_id=payme_id,
                apartment_id=apartment_id,
                account_number=number,
                amount_tiyin=amount,
                provider_time_ms=payme_time,
                at=now,
            )
            outcome = (
                _created(payment)
                if created
                else _known(payment, amount=amount, account=number, now_ms=now_ms)
            )
    if isinstance(outcome, RpcError):
        raise outcome
    return outcome


def _performed(payment: ProviderTransaction) -> dict[str, Any]:
    return {
        "transaction": str(payment.pk),
        "perform_time": payment.perform_time_ms,
        "state": payment.state,
    }


def perform_transaction(params: dict[str, Any]) -> dict[str, Any]:
    payme_id = _id(params)
    now = timezone.now()
    with transaction.atomic():
        outcome: dict[str, Any] | RpcError
        payment = payment_locked(provider=Provider.PAYME, provider_id=payme_id)
        if payment is None:
            outcome = RpcError(m.TRANSACTION_NOT_FOUND)
        elif payment.state == PaymentState.CREATED:
            if _expired(payment, ms(now)):
                payment_cancel(payment=payment, at=now, reason=CancelReason.TIMEOUT)
                outcome = RpcError(m.CANNOT_PERFORM)
            else:
                outcome = _performed(payment_perform(payment=payment, at=now))
        elif payment.state == PaymentState.PERFORMED:
            outcome = _performed(payment)
        else:
            outcome = RpcError(m.CANNOT_PERFORM)
    if isinstance(outcome, RpcError):
        raise outcome
    return outcome


def _cancelled(payment: ProviderTransaction) -> dict[str, Any]:
    return {
        "transaction": str(payment.pk),
        "cancel_time": payment.cancel_time_ms,
        "state": payment.state,
    }


def cancel_transaction(params: dict[str, Any]) -> dict[str, Any]:
    payme_id = _id(params)
    reason = _int(params, "reason")
    if reason not in CancelReason.values:
        raise RpcError(m.INVALID_REQUEST, "reason")
    with transaction.atomic():
        payment = payment_locked(provider=Provider.PAYME, provider_id=payme_id)
        if payment is None:
            raise RpcError(m.TRANSACTION_NOT_FOUND)
        if payment.state in (PaymentState.CREATED, PaymentState.PERFORMED):
            payment = payment_cancel(payment=payment, at=timezone.now(), reason=reason)
        return _cancelled(payment)


def _checked(payment: ProviderTransaction) -> dict[str, Any]:
    return {
        "create_time": payment.create_time_ms,
        "perform_time": payment.perform_time_ms,
        "cancel_time": payment.cancel_time_ms,
        "transaction": str(payment.pk),
        "state": payment.state,
        "reason": payment.reason,
    }


def check_transaction(params: dict[str, Any]) -> dict[str, Any]:
    payme_id = _id(params)
    payment = ProviderTransaction.objects.filter(
        provider=Provider.PAYME, provider_id=payme_id
    ).first()
    if payment is None:
        raise RpcError(m.TRANSACTION_NOT_FOUND)
    return _checked(payment)


def get_statement(params: dict[str, Any]) -> dict[str, Any]:
    start = _int(params, "from")
    end = _int(params, "to")
    rows = ProviderTransaction.objects.filter(
        provider=Provider.PAYME, provider_time_ms__gte=start, provider_time_ms__lte=end
    ).order_by("provider_time_ms", "pk")
    return {
        "transactions": [
            {
                "id": p.provider_id,
                "time": p.provider_time_ms,
                "amount": p.amount_tiyin,
                "account": {ACCOUNT_FIELD: p.account_number},
                **_checked(p),
                "receivers": None,
            }
            for p in rows.iterator(chunk_size=2000)
        ]
    }


METHODS = {
    "CheckPerformTransaction": check_perform_transaction,
    "CreateTransaction": create_transaction,
    "PerformTransaction": perform_transaction,
    "CancelTransaction": cancel_transaction,
    "CheckTransaction": check_transaction,
    "GetStatement": get_statement,
}
