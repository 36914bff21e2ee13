"""Billing's state changes that are not the ledger's own (billing.ledger) or the
accrual's (billing.accrual): tariffs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import roles_of
from billing import policies
from billing.models import LedgerEntry, Tariff
from core.periods import month_start
from lots.models import Lot

MSG_MAY_NOT_SET = _("A tariff is set by a council of the lot or an inspector of its region.")
MSG_NOT_FIRST = _("A tariff comes into force on the first day of a month.")
MSG_IN_THE_PAST = _("A tariff does not reach back: the earliest month is %(month)s.")
MSG_NOT_POSITIVE = _("A tariff is a positive number of tiyin per m².")
MSG_TOO_HIGH = _("A tariff of more than %(max)s so'm per m² is not plausible.")

MAX_TIYIN_PER_M2 = 10_000_00  # 10 000 so'm per m² a month: far above any real tariff


class BillingError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


def tariff_earliest(lot: Lot, at: dt.datetime) -> dt.date:
    """The first month a new tariff may start: the current month (Asia/Tashkent), or the
    month after the last one already charged, whichever is later, so that a month already
    accrued never changes its tariff."""
    current = month_start(timezone.localdate(at))
    last = (
        LedgerEntry.objects.filter(kind="charge", transaction__lot_id=lot.pk)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    if last is not None and last >= current:
        return (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return current


@transaction.atomic
def tariff_set(
    *,
    lot: Lot,
    tiyin_per_m2: int,
    effective_from: dt.date,
    by: Any,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Tariff:
    """Set a lot's tariff from a month on (DOMAIN.md "Billing": "a mandatory contribution
    in tiyin per m² per month, set per lot with an effective date"; issue 10: "a council or
    inspector sets them, and the history is kept"). A new row each time; never earlier
    than ``tariff_earliest``."""
    at = at or timezone.now()
    lot = Lot.objects.select_for_update().get(pk=lot.pk)
    roles = roles_of(by)
    if not policies.may_set_tariff(roles, lot):
        raise BillingError(MSG_MAY_NOT_SET)
    if tiyin_per_m2 <= 0:
        raise BillingError(MSG_NOT_POSITIVE)
    if tiyin_per_m2 > MAX_TIYIN_PER_M2:
        raise BillingError(MSG_TOO_HIGH % {"max": MAX_TIYIN_PER_M2 // 100})
    if effective_from.day != 1:
        raise BillingError(MSG_NOT_FIRST)
    earliest = tariff_earliest(lot, at)
    if effective_from < earliest:
        raise BillingError(MSG_IN_THE_PAST % {"month": f"{earliest:%m.%Y}"})
    role = "inspector" if roles.inspector and not roles.council_district_id else "council_member"
    tariff = Tariff(
        lot=lot,
        effective_from=effective_from,
        tiyin_per_m2=tiyin_per_m2,
        set_by=by,
        set_by_role=role,
        set_at=at,
        reason=reason.strip()[:500],
    )
    tariff.full_clean()
    tariff.save()
    return tariff
