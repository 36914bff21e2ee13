"""The providers' statements, through one interface (issue 10, point 7: "a provider-client
interface, which is a faithful fake in tests").

``ProviderClient.statement(start, end, known)`` answers the provider's view of the payments
of a window, as ``StatementRow`` values (id, account, amount, state). The real clients speak
HTTP through a ``Transport`` (``http_transport``: urllib, nothing to install); the tests give
them ``FakePaymeTransport`` / ``FakeClickTransport``, which answer the same requests from an
in-memory book the way the providers document them, so the clients' own paging and parsing
are what the tests run.

- **Payme** (``PaymeClient``): the Subscribe API's ``receipts.get_all`` (JSON-RPC at
  ``PAYME_API_URL``, header ``X-Auth: <merchant id>:<key>``; ``count`` at most 50, ``from``,
  ``to`` in ms, ``offset``), whose receipts are the Merchant API's transactions. Receipt
  states (developer.help.paycom.uz, Subscribe API): 4 paid; 50 cancelled (after payment
  when ``pay_time`` is set); 21 queued for cancellation; 0-3, 5, 6, 20, 30 still in progress.
- **Click** (``ClickClient``): Click's Merchant API has no statement of a period, only the
  status of one payment (``GET payment/status/<service_id>/<payment_id>``, header
  ``Auth: <merchant_user_id>:<sha1(timestamp + secret)>:<timestamp>``; docs.click.uz,
  "Merchant API"). So it asks for each payment we hold (``known``: Click's payment document
  number), and cannot report a Click payment we never heard of: Click's daily registry
  (sent to the merchant outside the API) is where that shows. Click's status does not say
  whether a cancel came before or after the payment (``reports_reversal = False``). The
  pages read give no table of ``payment_status`` values: 2 is read as paid, a negative value
  as cancelled, anything else as pending; to be confirmed with Click before production.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

from billing.models import Provider, StatementState

Transport = Callable[[str, str, dict[str, str], bytes | None], tuple[int, bytes]]


class ClientError(Exception):
    """The provider could not be asked, or answered with an error."""


@dataclass(frozen=True)
class StatementRow:
    provider_id: str
    account_number: str
    amount_tiyin: int | None  # None: this provider's statement does not carry the amount
    state: str  # a StatementState
    time_ms: int = 0


@dataclass(frozen=True)
class Known:
    """A payment of ours in the window: its id, and the key the provider looks it up by."""

    provider_id: str
    lookup: str


class ProviderClient(Protocol):
    provider: str
    reports_reversal: bool  # whether a cancel after payment is told from one before

    def statement(
        self, *, start: dt.datetime, end: dt.datetime, known: Sequence[Known]
    ) -> list[StatementRow]: ...


def http_transport(
    method: str, url: str, headers: dict[str, str], body: bytes | None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310 # the provider's https URL, from settings
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ClientError(f"{url}: {exc}") from exc


def _ms(at: dt.datetime) -> int:
    return int(at.timestamp() * 1000)


# --- Payme ------------------------------------------------------------------------------------


def payme_receipt_state(state: int, pay_time: int) -> str:
    if state == 4:
        return StatementState.PERFORMED
    if state in (21, 50):
        return StatementState.REVERSED if pay_time else StatementState.CANCELLED
    return StatementState.PENDING


def _receipt_account(account: Any) -> str:
    """Payme gives a receipt's account as a list of {name, value, …} (or an object)."""
    if isinstance(account, dict):
        return str(account.get("account", ""))
    if isinstance(account, list):
        for item in account:
            if isinstance(item, dict) and item.get("name") == "account":
                return str(item.get("value", ""))
    return ""


class PaymeClient:
    provider: str = Provider.PAYME
    reports_reversal: bool = True
    PAGE = 50  # receipts.get_all: "count … max 50"

    def __init__(self, *, merchant_id: str, key: str, url: str, transport: Transport) -> None:
        self.merchant_id = merchant_id
        self.key = key
        self.url = url
        self.transport = transport

    def _call(self, method: str, params: dict[str, Any], request_id: int) -> Any:
        body = json.dumps({"id": request_id, "method": method, "params": params}).encode()
        headers = {"X-Auth": f"{self.merchant_id}:{self.key}", "Content-Type": "application/json"}
        status, raw = self.transport("POST", self.url, headers, body)
        if status != 200:
            raise ClientError(f"Payme answered HTTP {status}")
        try:
            reply = json.loads(raw)
        except ValueError as exc:
            raise ClientError("Payme's answer is not JSON") from exc
        if not isinstance(reply, dict) or reply.get("error"):
            raise ClientError(f"Payme refused {method}: {reply.get('error')!r}")
        return reply.get("result")

    def statement(
        self, *, start: dt.datetime, end: dt.datetime, known: Sequence[Known]
    ) -> list[StatementRow]:
        rows: list[StatementRow] = []
        offset = 0
        while True:
            params = {"count": self.PAGE, "from": _ms(start), "to": _ms(end) - 1, "offset": offset}
            receipts = self._call("receipts.get_all", params, offset // self.PAGE + 1)
            if not isinstance(receipts, list):
                raise ClientError("receipts.get_all did not answer a list")
            for receipt in receipts:
                rows.append(
                    StatementRow(
                        provider_id=str(receipt["_id"]),
                        account_number=_receipt_account(receipt.get("account")),
                        amount_tiyin=int(receipt["amount"]),
                        state=payme_receipt_state(
                            int(receipt["state"]), int(receipt.get("pay_time") or 0)
                        ),
                        time_ms=int(receipt.get("create_time") or 0),
                    )
                )
            if len(receipts) < self.PAGE:
                return rows
            offset += self.PAGE


# --- Click ------------------------------------------------------------------------------------


def click_payment_state(status: int) -> str:
    if status == 2:
        return StatementState.PERFORMED
    if status < 0:
        return StatementState.CANCELLED
    return StatementState.PENDING


class ClickClient:
    provider: str = Provider.CLICK
    reports_reversal: bool = False

    def __init__(
        self,
        *,
        service_id: str,
        merchant_user_id: str,
        secret_key: str,
        url: str,
        transport: Transport,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.service_id = service_id
        self.merchant_user_id = merchant_user_id
        self.secret_key = secret_key
        self.url = url.rstrip("/")
        self.transport = transport
        self.clock = clock

    def _auth(self) -> str:
        stamp = str(int(self.clock()))
        digest = hashlib.sha1((stamp + self.secret_key).encode(), usedforsecurity=False)
        return f"{self.merchant_user_id}:{digest.hexdigest()}:{stamp}"

    def statement(
        self, *, start: dt.datetime, end: dt.datetime, known: Sequence[Known]
    ) -> list[StatementRow]:
        rows = []
        for payment in known:
            url = f"{self.url}/payment/status/{self.service_id}/{payment.lookup}"
            headers = {"Accept": "application/json", "Auth": self._auth()}
            status, raw = self.transport("GET", url, headers, None)
            if status != 200:
                raise ClientError(f"Click answered HTTP {status}")
            reply = json.loads(raw)
            if int(reply.get("error_code", 0)) != 0:
                continue  # Click does not know this payment: missing there
            rows.append(
                StatementRow(
                    provider_id=payment.provider_id,
                    account_number="",
                    amount_tiyin=None,
                    state=click_payment_state(int(reply["payment_status"])),
                )
            )
        return rows


def client_for(provider: str, transport: Transport = http_transport) -> ProviderClient | None:
    """The real client of ``provider`` from the settings, or None when it is not configured
    (no merchant credentials, or PAYMENT_RECONCILIATION off: nothing to ask)."""
    if provider not in Provider.values:
        raise ValueError(provider)
    if not settings.PAYMENT_RECONCILIATION:
        return None
    if provider == Provider.PAYME:
        if not (settings.PAYME_MERCHANT_ID and settings.PAYME_KEY):
            return None
        return PaymeClient(
            merchant_id=settings.PAYME_MERCHANT_ID,
            key=settings.PAYME_KEY,
            url=settings.PAYME_API_URL,
            transport=transport,
        )
    if provider == Provider.CLICK:
        if not (settings.CLICK_MERCHANT_USER_ID and settings.CLICK_SECRET_KEY):
            return None
        return ClickClient(
            service_id=settings.CLICK_SERVICE_ID,
            merchant_user_id=settings.CLICK_MERCHANT_USER_ID,
            secret_key=settings.CLICK_SECRET_KEY,
            url=settings.CLICK_API_URL,
            transport=transport,
        )
    raise ValueError(provider)


# --- faithful fakes (tests) ---------------------------------------------------------------------


@dataclass
class FakePaymeTransport:
    """Payme's ``receipts.get_all`` over an in-memory book of receipts: checks the X-Auth
    header, refuses ``count`` over 50 as Payme does, pages by ``offset``, filters by
    ``create_time`` within [from, to], ascending."""

    merchant_id: str
    key: str
    receipts: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0

    def add(
        self,
        receipt_id: str,
        *,
        account: str,
        amount: int,
        state: int,
        create_time: int,
        pay_time: int = 0,
    ) -> None:
        self.receipts.append(
            {
                "_id": receipt_id,
                "create_time": create_time,
                "pay_time": pay_time,
                "state": state,
                "amount": amount,
                "account": [{"name": "account", "title": "Shaxsiy hisob", "value": account}],
            }
        )

    def __call__(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        self.calls += 1
        request = json.loads(body or b"{}")
        if headers.get("X-Auth") != f"{self.merchant_id}:{self.key}":
            return 200, self._error(request, -32504)
        params = request.get("params", {})
        if request.get("method") != "receipts.get_all":
            return 200, self._error(request, -32601)
        if not 0 < int(params.get("count", 0)) <= 50:
            return 200, self._error(request, -32602)
        chosen = sorted(
            (r for r in self.receipts if params["from"] <= r["create_time"] <= params["to"]),
            key=lambda r: r["create_time"],
        )
        offset = int(params.get("offset", 0))
        page = chosen[offset : offset + int(params["count"])]
        return 200, json.dumps({"jsonrpc": "2.0", "id": request.get("id"), "result": page}).encode()

    @staticmethod
    def _error(request: dict[str, Any], code: int) -> bytes:
        reply = {"jsonrpc": "2.0", "id": request.get("id"), "error": {"code": code}}
        return json.dumps(reply).encode()


@dataclass
class FakeClickTransport:
    """Click's ``payment/status`` over an in-memory book {payment id: status}: checks the
    Auth digest, answers ``error_code`` -16 (not found) for an unknown payment."""

    merchant_user_id: str
    secret_key: str
    statuses: dict[str, int] = field(default_factory=dict)

    def __call__(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        user, _, rest = headers.get("Auth", "").partition(":")
        digest, _, stamp = rest.partition(":")
        expected = hashlib.sha1((stamp + self.secret_key).encode(), usedforsecurity=False)
        if user != self.merchant_user_id or digest != expected.hexdigest():
            return 401, b'{"error_code": -1, "error_note": "Not authorized"}'
        payment_id = url.rstrip("/").rsplit("/", 1)[-1]
        if method != "GET" or "/payment/status/" not in url:
            return 404, b"{}"
        if payment_id not in self.statuses:
            return 200, b'{"error_code": -16, "error_note": "Payment not found"}'
        reply = {
            "error_code": 0,
            "error_note": "Success",
            "payment_id": int(payment_id),
            "payment_status": self.statuses[payment_id],
        }
        return 200, json.dumps(reply).encode()
