"""Additional revenue of management companies (DOMAIN.md "Billing": "Additional revenue of
MCs is recorded only through the system"; issue 10 point 9).

``revenue_record`` is **the MCs' only way to declare income** besides the contributions
that the accrual credits: there is no other service, page, API or admin form that writes
an MC's revenue, and each record is one ledger transaction (debit the MC's "revenue
received", credit its "additional revenue"), so that every so'm declared is in the
ledger and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import roles_of
from billing import policies
from billing.ledger import Line, account_for, transaction_post
from billing.models import (
    AccountKind,
    AdditionalRevenue,
    LeaseContract,
    LeaseKind,
    RevenueKind,
    TransactionKind,
)
from billing.services import BillingError
from core.money import format_som
from core.periods import month_start
from lots.models import Lot

MSG_MAY_NOT_RECORD = _(
    "Additional revenue is recorded by the staff of the management company that manages the lot."
)
MSG_NOT_POSITIVE = _("The amount must be more than zero.")
MSG_TOO_LARGE = _("An amount of more than %(max)s is not plausible.")
MSG_IN_THE_FUTURE = _("The date cannot be later than today.")
MSG_LEASE_NEEDS_CONTRACT = _(
    "Revenue from a lease of common property names its contract in the register of lease contracts."
)
MSG_CONTRACT_ELSEWHERE = _("This lease contract is not one of this lot's leases.")
MSG_CONTRACT_ONLY_FOR_LEASE = _("Only revenue from a lease names a lease contract.")

# a trillion so'm: far above any single income of a management company
MAX_TIYIN = 10**12 * 100


@transaction.atomic
def revenue_record(
    *,
    lot: Lot,
    kind: str,
    counterparty: str,
    amount_tiyin: int,
    received_on: dt.date,
    document: Any,
    by: Any,
    counterparty_tin: str = "",
    lease: LeaseContract | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    today: dt.date | None = None,
) -> AdditionalRevenue:
    """Record one income of the MC that manages ``lot`` and post it to the ledger
    (DOMAIN.md "Billing", "Additional revenue"): the MC's only way to declare income.

    Refused, with nothing written (no row, no ledger entry, no stored file): a login that
    is not staff of the lot's MC in the register (billing.policies.revenue_q); an amount
    that is not a positive integer of tiyin; a date after ``today`` (Asia/Tashkent); a
    lease without its contract of the same lot (or a contract on another kind); a
    document that is not a PDF, JPG or PNG of at most 10 MB.
    """
    at = at or timezone.now()
    today = today or timezone.localdate(at)
    lot = Lot.objects.select_for_update().get(pk=lot.pk)
    if not policies.may_record_revenue(roles_of(by), lot) or lot.manager_id is None:
        raise BillingError(MSG_MAY_NOT_RECORD)
    if not isinstance(amount_tiyin, int) or isinstance(amount_tiyin, bool):
        raise TypeError("money must be an integer number of tiyin")
    if amount_tiyin <= 0:
        raise BillingError(MSG_NOT_POSITIVE)
    if amount_tiyin > MAX_TIYIN:
        raise BillingError(MSG_TOO_LARGE % {"max": format_som(MAX_TIYIN)})
    if received_on > today:
        raise BillingError(MSG_IN_THE_FUTURE)
    if kind == RevenueKind.LEASE:
        if lease is None:
            raise BillingError(MSG_LEASE_NEEDS_CONTRACT)
        if lease.lot_id != lot.pk or lease.kind != LeaseKind.LEASE:
            raise BillingError(MSG_CONTRACT_ELSEWHERE)
    elif lease is not None:
        raise BillingError(MSG_CONTRACT_ONLY_FOR_LEASE)
    revenue = AdditionalRevenue(
        lot=lot,
        company_id=lot.manager_id,
        kind=kind,
        counterparty=counterparty.strip(),
        counterparty_tin=counterparty_tin.strip(),
        lease=lease,
        amount_tiyin=amount_tiyin,
        received_on=received_on,
        document=document,
        note=note.strip(),
        recorded_by=by,
        recorded_at=at,
    )
    try:
        revenue.full_clean(exclude=["transaction"])
    except ValidationError as exc:
        raise BillingError(" ".join(exc.messages)) from None
    received = account_for(AccountKind.REVENUE_RECEIVED, company_id=lot.manager_id)
    income = account_for(AccountKind.REVENUE, company_id=lot.manager_id)
    revenue.transaction = transaction_post(
        kind=TransactionKind.REVENUE,
        at=at,
        period=month_start(received_on),
        lot_id=lot.pk,
        lines=[
            Line(amount_tiyin=amount_tiyin, account=received),
            Line(amount_tiyin=-amount_tiyin, account=income),
        ],
        memo=f"{kind}: {revenue.counterparty}",
        by=by,
    )
    try:
        revenue.save()  # stores the document, then inserts the row
    except BaseException:
        if revenue.document and revenue.document.name and revenue.document._committed:
            revenue.document.storage.delete(revenue.document.name)
        raise
    return revenue
