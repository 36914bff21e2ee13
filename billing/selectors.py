"""Reads of bills, each scoped to the login that asks (ARCHITECTURE.md "selectors"): an
apartment outside ``billing.policies.bills_q`` is a 404, whoever's it is.

A bill is the apartment's, not an owner's: co-owners share one receivable (the ledger
keeps one per apartment, DOMAIN.md "Billing"), so each of them sees the whole bill and
either may pay it.

The statement is derived from ledger entries with one grouped query, whatever the number
of months (and of apartments: ``statements`` reads a page of them at once): per month the
charges (the ``charge`` entries of that month), the payments, the reversals and other
corrections (by the local month, Asia/Tashkent, of their transaction); opening and
closing balances are running sums over those rows.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.permissions import roles_of
from billing import policies
from billing.models import LedgerEntry, SuspendedMonth, Suspension, Tariff, TransactionKind
from buildings.models import Apartment
from lots.models import Lot

CHARGE = "charge"


def apartments_billed_to(user: Any) -> QuerySet[Apartment]:
    """The apartments whose bills ``user`` sees (its own), with their balances, their lot
    and its MC."""
    return (
        Apartment.objects.filter(policies.bills_q(roles_of(user)))
        .select_related("building", "building__lot_membership__lot__manager")
        .annotate(
            balance_tiyin=Coalesce(
                Subquery(
                    LedgerEntry.objects.filter(apartment_id=OuterRef("pk"))
                    .order_by()
                    .values("apartment_id")
                    .annotate(s=Sum("amount_tiyin"))
                    .values("s")
                ),
                Value(0),
            )
        )
        .order_by("building__address", "number", "pk")
    )


def apartment_for(user: Any, pk: int) -> Apartment:
    """The apartment if ``user`` may see its bill; 404 otherwise (ids do not leak)."""
    return get_object_or_404(
        Apartment.objects.filter(policies.bills_q(roles_of(user))).select_related(
            "building", "building__lot_membership__lot__manager"
        ),
        pk=pk,
    )


def lot_of(apartment: Apartment) -> Lot | None:
    membership = getattr(apartment.building, "lot_membership", None)
    return membership.lot if membership is not None else None


@dataclass
class Month:
    period: dt.date
    opening_tiyin: int = 0
    charges_tiyin: int = 0
    payments_tiyin: int = 0  # paid, as a positive amount
    adjustments_tiyin: int = 0  # reversals and corrections, signed (+ owes more)
    closing_tiyin: int = 0
    suspended_reason: str | None = None  # accrual suspended: the month was not charged

    @property
    def due_tiyin(self) -> int:
        return max(self.closing_tiyin, 0)


@dataclass
class Statement:
    months: list[Month] = field(default_factory=list)  # newest first
    balance_tiyin: int = 0

    def month(self, period: dt.date) -> Month | None:
        return next((m for m in self.months if m.period == period), None)


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def statement(apartment_id: int, lot_id: int | None = None) -> Statement:
    """The apartment's months (each with a charge, a payment, a correction, or skipped by
    a suspension of its lot's accrual), newest first: two queries in all."""
    return statements({apartment_id: lot_id})[apartment_id]


def statements(lots: dict[int, int | None]) -> dict[int, Statement]:
    """The statements of several apartments (``lots``: apartment id → its lot's id, or
    None), each as ``statement`` reads it: two queries in all, whatever the number of
    apartments and of months."""
    month = Case(
        When(kind=CHARGE, then=F("period")),
        default=TruncMonth("transaction__at", output_field=DateField(), tzinfo=_tz()),
        output_field=DateField(),
    )
    rows = (
        LedgerEntry.objects.filter(apartment_id__in=list(lots))
        .annotate(month=month)
        .values("apartment_id", "month", "kind")
        .annotate(total=Sum("amount_tiyin"))
        .order_by()
    )
    by_apartment: dict[int, dict[dt.date, Month]] = {pk: {} for pk in lots}
    for row in rows:
        period = row["month"]
        if isinstance(period, dt.datetime):  # PostgreSQL's CASE makes date and timestamp one
            period = period.date()
        entry = by_apartment[row["apartment_id"]].setdefault(period, Month(period))
        if row["kind"] == CHARGE:
            entry.charges_tiyin += row["total"]
        elif row["kind"] == TransactionKind.PAYMENT:
            entry.payments_tiyin -= row["total"]
        else:
            entry.adjustments_tiyin += row["total"]
    lot_ids = {lot_id for lot_id in lots.values() if lot_id is not None}
    skipped: dict[int | None, list[tuple[dt.date, str]]] = {}
    if lot_ids:
        months = SuspendedMonth.objects.filter(lot_id__in=lot_ids).values_list(
            "lot_id", "period", "suspension__reason"
        )
        for skipped_lot, period, reason in months:
            skipped.setdefault(skipped_lot, []).append((period, reason))
    for pk, lot_id in lots.items():
        for period, reason in skipped.get(lot_id, []):
            by_apartment[pk].setdefault(period, Month(period)).suspended_reason = reason
    return {pk: _running(by_period) for pk, by_period in by_apartment.items()}


def _running(by_period: dict[dt.date, Month]) -> Statement:
    """Opening and closing balances, month by month, oldest first; newest first out."""
    balance = 0
    for period in sorted(by_period):
        entry = by_period[period]
        entry.opening_tiyin = balance
        balance += entry.charges_tiyin - entry.payments_tiyin + entry.adjustments_tiyin
        entry.closing_tiyin = balance
    months = [by_period[p] for p in sorted(by_period, reverse=True)]
    return Statement(months=months, balance_tiyin=balance)


def month_or_404(apartment_id: int, lot_id: int | None, period: dt.date) -> tuple[Statement, Month]:
    found = statement(apartment_id, lot_id)
    month = found.month(period)
    if month is None:
        raise Http404
    return found, month


@dataclass(frozen=True)
class Payment:
    at: dt.datetime
    kind: str  # payment or reversal
    amount_tiyin: int  # paid, positive (a reversed payment is negative)
    provider: str


def payments(apartment_id: int, period: dt.date | None = None, limit: int = 50) -> list[Payment]:
    """The apartment's payments and their reversals, newest first (those of one local
    month when ``period`` is given): one query, the provider read from the transaction's
    clearing entry."""
    provider = Subquery(
        LedgerEntry.objects.filter(
            transaction_id=OuterRef("transaction_id"), account__isnull=False
        ).values("account__provider")[:1]
    )
    entries = LedgerEntry.objects.filter(apartment_id=apartment_id).filter(
        Q(kind=TransactionKind.PAYMENT)
        | Q(kind=TransactionKind.REVERSAL, transaction__reverses__kind=TransactionKind.PAYMENT)
    )
    if period is not None:
        tz = _tz()
        start = dt.datetime(period.year, period.month, 1, tzinfo=tz)
        end = dt.datetime(period.year + period.month // 12, period.month % 12 + 1, 1, tzinfo=tz)
        entries = entries.filter(transaction__at__gte=start, transaction__at__lt=end)
    rows = (
        entries.annotate(provider=provider)
        .order_by("-transaction__at", "-pk")
        .values_list("transaction__at", "kind", "amount_tiyin", "provider")[:limit]
    )
    return [Payment(at, kind, -amount, provider or "") for at, kind, amount, provider in rows]


@dataclass(frozen=True)
class SuspensionNotice:
    starts_on: dt.date
    ends_on: dt.date | None
    reason: str


def suspension_now(lot_id: int | None, today: dt.date | None = None) -> SuspensionNotice | None:
    """The suspension of the lot's accrual in force today, if any (one query)."""
    if lot_id is None:
        return None
    return suspensions_now({lot_id}, today).get(lot_id)


def suspensions_now(lot_ids: set[int], today: dt.date | None = None) -> dict[int, SuspensionNotice]:
    """The suspension in force today of each of these lots' accrual that is suspended
    (one query; the latest one where two overlap)."""
    if not lot_ids:
        return {}
    today = today or timezone.localdate()
    found = (
        Suspension.objects.filter(lot_id__in=lot_ids, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .order_by("lot_id", "-starts_on", "-pk")
        .values_list("lot_id", "starts_on", "ends_on", "reason")
    )
    notices: dict[int, SuspensionNotice] = {}
    for lot_id, starts_on, ends_on, reason in found:
        notices.setdefault(lot_id, SuspensionNotice(starts_on, ends_on, reason))
    return notices


@dataclass(frozen=True)
class Bill:
    """An apartment's bill as the bill page shows it: its lot (and MC), the statement
    and the suspension of the lot's accrual in force."""

    apartment: Apartment
    lot: Lot | None
    statement: Statement
    suspension: SuspensionNotice | None


def bills(apartments: list[Apartment]) -> list[Bill]:
    """The bills of apartments read through ``apartments_billed_to`` or ``apartment_for``
    (their lot already joined): three queries in all, whatever the number of apartments
    and of months."""
    lots = {a.pk: lot_of(a) for a in apartments}
    found = statements({pk: lot.pk if lot else None for pk, lot in lots.items()})
    notices = suspensions_now({lot.pk for lot in lots.values() if lot is not None})
    result = []
    for apartment in apartments:
        lot = lots[apartment.pk]
        notice = notices.get(lot.pk) if lot is not None else None
        result.append(Bill(apartment, lot, found[apartment.pk], notice))
    return result


def tariff_lot_for(user: Any, pk: int) -> Lot:
    """A lot whose tariff ``user`` may set (billing.policies.tariff_q); 404 otherwise."""
    return get_object_or_404(
        Lot.objects.filter(policies.tariff_q(roles_of(user))).select_related("manager"), pk=pk
    )


def money_lot_for(user: Any, pk: int) -> Lot:
    """A lot whose money ``user`` sees (billing.policies.lot_money_q: its MC, its councils,
    its region's inspectors), its tariff history included; 404 otherwise."""
    return get_object_or_404(
        Lot.objects.filter(policies.lot_money_q(roles_of(user))).select_related("manager"), pk=pk
    )


def tariff_history(lot: Lot) -> QuerySet[Tariff]:
    return (
        Tariff.objects.filter(lot=lot)
        .select_related("set_by")
        .order_by("-effective_from", "-set_at", "-pk")
    )


__all__ = [
    "Bill",
    "Month",
    "Payment",
    "Statement",
    "SuspensionNotice",
    "apartment_for",
    "apartments_billed_to",
    "bills",
    "lot_of",
    "money_lot_for",
    "month_or_404",
    "payments",
    "statement",
    "statements",
    "suspension_now",
    "suspensions_now",
    "tariff_history",
    "tariff_lot_for",
]
