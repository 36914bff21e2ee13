"""The nightly reconciliation (issue 10, point 7: "compares our transactions with each
provider's statement through a provider-client interface … It flags every difference
(missing on either side, amount, state) for inspectors").

One run per provider and window (a day of Asia/Tashkent by default), once: a retry of the
nightly task finds the finished run and does nothing. The window is the provider's time of
the transaction (Payme's ``time``, Click's prepare ``sign_time``), as both statements date
them. A difference is flagged once per (provider, provider's id, kind): a later run that
sees it again adds nothing. A provider row missing from our window is looked up outside
it before it counts as missing here (a transaction near midnight may fall on either day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from billing.models import (
    FlagKind,
    PaymentState,
    Provider,
    ProviderTransaction,
    ReconciliationFlag,
    ReconciliationRun,
    StatementState,
)
from billing.payments.clients import ClientError, Known, ProviderClient, StatementRow
from billing.payments.services import apartment_for_account, ms

OUR_STATES = {
    PaymentState.CREATED: StatementState.PENDING,
    PaymentState.PERFORMED: StatementState.PERFORMED,
    PaymentState.CANCELLED: StatementState.CANCELLED,
    PaymentState.CANCELLED_AFTER_PERFORM: StatementState.REVERSED,
}


def day_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """A day of Asia/Tashkent (TIME_ZONE), midnight to midnight."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def _known(payment: ProviderTransaction) -> Known:
    if payment.provider == Provider.CLICK:
        prepare = getattr(payment, "click_prepare", None)
        lookup = str(prepare.click_paydoc_id) if prepare is not None else payment.provider_id
        return Known(payment.provider_id, lookup)
    return Known(payment.provider_id, payment.provider_id)


def _differences(
    payment: ProviderTransaction, row: StatementRow, client: ProviderClient
) -> list[str]:
    kinds: list[str] = []
    if row.amount_tiyin is not None and row.amount_tiyin != payment.amount_tiyin:
        kinds.append(FlagKind.AMOUNT)
    ours = OUR_STATES[PaymentState(payment.state)]
    if not client.reports_reversal and ours == StatementState.REVERSED:
        ours = StatementState.CANCELLED  # the provider cannot tell the two apart
    if ours != row.state:
        kinds.append(FlagKind.STATE)
    return kinds


def _flag(
    run: ReconciliationRun,
    kind: str,
    at: dt.datetime,
    *,
    payment: ProviderTransaction | None = None,
    row: StatementRow | None = None,
) -> ReconciliationFlag:
    apartment_id = payment.apartment_id if payment is not None else None
    if apartment_id is None and row is not None:
        apartment_id = apartment_for_account(row.account_number)
    return ReconciliationFlag(
        run=run,
        provider=run.provider,
        provider_id=payment.provider_id
        if payment is not None
        else (row.provider_id if row else ""),
        kind=kind,
        apartment_id=apartment_id,
        account_number=payment.account_number
        if payment is not None
        else (row.account_number if row else ""),
        ours_amount_tiyin=payment.amount_tiyin if payment is not None else None,
        theirs_amount_tiyin=row.amount_tiyin if row is not None else None,
        ours_state=OUR_STATES[PaymentState(payment.state)] if payment is not None else "",
        theirs_state=row.state if row is not None else "",
        found_at=at,
    )


def compare(
    run: ReconciliationRun,
    ours: Sequence[ProviderTransaction],
    theirs: Sequence[StatementRow],
    client: ProviderClient,
    at: dt.datetime,
) -> list[ReconciliationFlag]:
    """Every difference between the two sides of a window, as unsaved flags."""
    flags = []
    mine = {p.provider_id: p for p in ours}
    rows = {r.provider_id: r for r in theirs}
    for provider_id, payment in mine.items():
        row = rows.get(provider_id)
        if row is None:
            flags.append(_flag(run, FlagKind.MISSING_THERE, at, payment=payment))
            continue
        for kind in _differences(payment, row, client):
            flags.append(_flag(run, kind, at, payment=payment, row=row))
    outside = {
        p.provider_id: p
        for p in ProviderTransaction.objects.filter(
            provider=run.provider, provider_id__in=[pid for pid in rows if pid not in mine]
        )
    }
    for provider_id, row in rows.items():
        if provider_id in mine:
            continue
        elsewhere = outside.get(provider_id)
        if elsewhere is None:
            flags.append(_flag(run, FlagKind.MISSING_HERE, at, row=row))
        else:
            for kind in _differences(elsewhere, row, client):
                flags.append(_flag(run, kind, at, payment=elsewhere, row=row))
    return flags


def reconciliation_run(
    *,
    provider: str,
    start: dt.datetime,
    end: dt.datetime,
    client: ProviderClient | None,
    at: dt.datetime | None = None,
) -> ReconciliationRun:
    """Compare ``provider``'s statement of [start, end) with our transactions, and flag
    every difference (once). A finished run of the same window is returned as it is."""
    at = at or timezone.now()
    with transaction.atomic():
        run, _ = ReconciliationRun.objects.get_or_create(
            provider=provider, window_start=start, window_end=end, defaults={"started_at": at}
        )
        # one run of a window at a time; a finished one is not redone
        run = ReconciliationRun.objects.select_for_update().get(pk=run.pk)
        if run.finished_at is not None and not run.error:
            return run
        ours = list(
            ProviderTransaction.objects.filter(
                provider=provider, provider_time_ms__gte=ms(start), provider_time_ms__lt=ms(end)
            )
            .select_related("click_prepare")
            .order_by("provider_time_ms", "pk")
        )
        fields = ["ours", "theirs", "flagged", "error", "finished_at"]
        run.ours = len(ours)
        if client is None:
            run.error = (
                f"{provider}: no client configured (merchant credentials missing,"
                " or PAYMENT_RECONCILIATION off)"
            )
            run.finished_at = timezone.now()
            run.save(update_fields=fields)
            return run
        try:
            theirs = client.statement(start=start, end=end, known=[_known(p) for p in ours])
        except (ClientError, KeyError, TypeError, ValueError) as exc:
            run.error = f"{provider}: {exc}"[:500]
            run.finished_at = timezone.now()
            run.save(update_fields=fields)
            return run
        ReconciliationFlag.objects.bulk_create(
            compare(run, ours, theirs, client, at), ignore_conflicts=True
        )
        run.theirs = len(theirs)
        run.flagged = run.flags.count()
        run.error = ""
        run.finished_at = timezone.now()
        run.save(update_fields=fields)
        return run
