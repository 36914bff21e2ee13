"""The demo's money (DOMAIN.md "Billing"; issue 10, point 12), made through billing's own
services with past times (``at=``), on the lot of building A once the demo election has
made the personas' MC its manager (mening_uyim.demo_voting):

- **tariff**: set by the ``council`` persona, in force from the 1st of the month two
  months before the current one (M-2). ``tariff_set`` refuses a start before
  ``tariff_earliest``: the month of ``at``, or the month after the last one charged. The
  demo does not bend that rule; it sets the tariff when a council would have, on the 25th
  of the month before M-2 (``at=``), with nothing charged yet;
- **charges** for M-2, M-1 and M (the current month, Asia/Tashkent), each by
  ``billing.accrual.accrual_lot`` at 00:05 on its 1st, as the beat task would have;
- **payments** through both providers' shared services (billing.payments.services), on the
  provider's clock of the time (``provider_time_ms``, ``at``): the ``owner`` persona's
  flat 12 in building A pays part of M-2's charge through Payme in M-2 (partial) and more
  than it owes through Click in M-1 (an overpayment, kept as credit), and leaves a Payme
  transaction unpaid in M-1 that Payme cancels by timeout (state -1, reason 4); the
  ``neighbour`` persona's flat 5 in building B pays exactly M-2's charge through Payme.
  The provider's ids are fixed (``demo-payme-<n>``; Click's ``click_trans_id`` is an
  integer, so Click's is a fixed number), so a second run finds them and does nothing.
  What Click itself sent (``ClickPrepare``) is written only by Click's adapter, from a
  request, so the demo's Click payment has none (the reconciliation expects that and
  looks the payment up by its own id);
- **additional revenue**: two records by the ``mc_director`` persona against the lot (a
  household service centre in M-2, a lightweight structure in M-1), each with its
  counterparty, TIN, amount, date and a small generated PDF act;
- **a lease** of common property of building A, resting on the passed qualified lease
  decision of the closed general meeting (demo_voting ``_closed_meeting``), signed nine
  days after it and registered with the tax authority twelve days after signing: on time,
  so it is no violation. A violation is not made on purpose: it is the personas' own MC
  that would be flagged (and, with LEASE_VIOLATION_AUTO_REMOVAL on, removed from the
  register, sending the owners' lot back to an election), and the closed meeting has only
  the one lease decision, which approves one contract.

The demo's timeline is short: the election closed days ago, yet the lot is charged for
three months, so that the owner finds a history of bills, payments and receipts at once.

Every piece checks what exists first (the tariff in force, the charge of each month, the
provider's id, the revenue's counterparty, the contract of the decision): a second run
writes nothing and says nothing. Money is integer tiyin throughout.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from billing.accrual import accrual_lot, tariff_in_force
from billing.leases import lease_record, lease_register
from billing.models import (
    AdditionalRevenue,
    CancelReason,
    LeaseContract,
    LeaseKind,
    LedgerEntry,
    Provider,
    RevenueKind,
)
from billing.payments.click import TASHKENT
from billing.payments.payme import TIMEOUT_MS
from billing.payments.services import (
    PaymentError,
    amount_allowed,
    apartment_for_account,
    ms,
    payment_cancel,
    payment_create,
    payment_locked,
    payment_perform,
)
from billing.revenue import revenue_record
from billing.services import BillingError, tariff_set
from buildings.models import Apartment, Building
from core.money import TIYIN_PER_SOM, format_som
from core.periods import month_next, month_previous, month_start
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import DEMO_A, DEMO_B, Cast
from mening_uyim.demo_voting import Say, _lot_of_a
from voting.models import (
    Decision,
    Meeting,
    MeetingInitiator,
    MeetingStatus,
    QuestionKind,
    QuestionRule,
)

TARIFF_TIYIN_PER_M2 = 1_200 * TIYIN_PER_SOM
TARIFF_REASON = "Tuman kengashi qarori: lot boʻyicha majburiy badal miqdori"
PAYME_PARTIAL = "demo-payme-1"  # the owner's partial payment of M-2
PAYME_NEIGHBOUR = "demo-payme-2"  # the neighbour's payment of exactly M-2's charge
PAYME_CANCELLED = "demo-payme-3"  # the owner's transaction that Payme cancelled by timeout
CLICK_OVERPAYMENT = "7770000001"  # the owner's overpayment in M-1 (Click's ids are integers)
ROUND = 1_000 * TIYIN_PER_SOM  # payments are round amounts of so'm
CREDIT = 15_000 * TIYIN_PER_SOM  # at least this much is left as credit by the overpayment
CANCELLED_TIYIN = 50_000 * TIYIN_PER_SOM
LEASE_SIGNED_AFTER_DAYS = 9  # the contract is signed this many days after the decision
LEASE_REGISTERED_AFTER_DAYS = 12  # and registered with the tax authority this many after
LEASE_RENT_TIYIN = 1_500_000 * TIYIN_PER_SOM  # as the meeting's agenda says
LESSEE = ("«Usta Bobur» xususiy korxonasi", "305778899")
LEASE_OBJECT = "Yertoladagi 18 m² boʻsh xona: poyabzal taʼmirlash ustaxonasi"
TAX_NUMBER = "SQ-{year}-0457-TK"

# (kind, counterparty, TIN, so'm, month index 0 = M-2, day, note, document title)
REVENUE = (
    (
        RevenueKind.SERVICE_CENTRE,
        "«Oydin» maishiy xizmat koʻrsatish markazi MChJ",
        "307112233",
        3_200_000,
        0,
        18,
        "Amir Temur koʻchasi, 107-uy, birinchi qavatdagi maishiy xizmat markazi: choraklik toʻlov",
        "Bajarilgan xizmatlar dalolatnomasi",
    ),
    (
        RevenueKind.LIGHT_STRUCTURE,
        "«Nur Savdo» MChJ",
        "306445566",
        850_000,
        1,
        5,
        "Hovlidagi yengil konstruksiya (savdo kioski) va undan foydalanish: oylik toʻlov",
        "Toʻlov dalolatnomasi",
    ),
)


def demo_months(today: dt.date | None = None) -> list[dt.date]:
    """M-2, M-1 and M: the 1st of the month two months before the current one (in
    Asia/Tashkent), of the one before, and of the current month."""
    current = month_start(today or timezone.localdate())
    previous = month_previous(current)
    return [month_previous(previous), previous, current]


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    """``day`` at ``hour:minute`` in Asia/Tashkent, never later than now."""
    moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TASHKENT)
    return min(moment, timezone.now())


def _day(period: dt.date, day: int) -> dt.date:
    return period.replace(day=min(day, 28))


# --- tariff and charges -----------------------------------------------------------------------


def _tariff_ensure(lot: Lot, first: dt.date, cast: Cast, say: Say) -> None:
    if tariff_in_force(lot.pk, first) is not None:
        return
    set_at = _local(_day(month_previous(first), 25), 10, 0)
    tariff = tariff_set(
        lot=lot,
        tiyin_per_m2=TARIFF_TIYIN_PER_M2,
        effective_from=first,
        by=cast.users["council"],
        reason=TARIFF_REASON,
        at=set_at,
    )
    say(f"lot {lot.code}: tariff {format_som(tariff.tiyin_per_m2)}/m² from {first:%m.%Y}")


def _charges_ensure(lot: Lot, months: list[dt.date], say: Say) -> None:
    for period in months:
        result = accrual_lot(lot_id=lot.pk, period=period, at=_local(period, 0, 5))
        if result.charged:
            say(
                f"lot {lot.code} charged for {period:%m.%Y}: {result.charged} apartments, "
                f"{format_som(result.total_tiyin)}"
            )
        elif result.no_tariff:
            say(f"lot {lot.code} not charged for {period:%m.%Y}: no tariff in force")


# --- payments ---------------------------------------------------------------------------------


def _flat(cadastral: str, number: str) -> Apartment | None:
    return Apartment.objects.filter(building__cadastral_number=cadastral, number=number).first()


def _charge(apartment: Apartment, period: dt.date) -> int | None:
    return (
        LedgerEntry.objects.filter(apartment_id=apartment.pk, kind="charge", period=period)
        .values_list("amount_tiyin", flat=True)
        .first()
    )


def _owed_at(apartment: Apartment, at: dt.datetime) -> int:
    """What the apartment owed at ``at``: its entries of transactions before then."""
    total = LedgerEntry.objects.filter(apartment_id=apartment.pk, transaction__at__lt=at)
    return int(total.aggregate(s=Sum("amount_tiyin"))["s"] or 0)


def _round_up(tiyin: int) -> int:
    return -(-tiyin // ROUND) * ROUND


def _pay(
    provider: str,
    provider_id: str,
    apartment: Apartment,
    amount_tiyin: int,
    provider_time: dt.datetime,
    *,
    perform: bool = True,
) -> bool:
    """One provider transaction as the adapters make it (billing.payments.payme, click):
    created a second after the provider's time by the account number, then locked and
    performed half a minute later, or cancelled by Payme's timeout. False when the
    provider's id is known already (nothing is written) or the amount is not allowed."""
    if payment_locked(provider=provider, provider_id=provider_id) is not None:
        return False
    apartment_id = apartment_for_account(apartment.account_number)
    if apartment_id is None or not amount_allowed(amount_tiyin):
        return False
    payment_create(
        provider=provider,
        provider_id=provider_id,
        apartment_id=apartment_id,
        account_number=apartment.account_number,
        amount_tiyin=amount_tiyin,
        provider_time_ms=ms(provider_time),
        at=provider_time + dt.timedelta(seconds=1),
    )
    locked = payment_locked(provider=provider, provider_id=provider_id)
    assert locked is not None
    if perform:
        payment_perform(payment=locked, at=provider_time + dt.timedelta(seconds=30))
    else:
        timeout = dt.timedelta(milliseconds=TIMEOUT_MS, minutes=5)
        payment_cancel(
            payment=locked, at=provider_time + timeout, reason=CancelReason.TIMEOUT.value
        )
    return True


def _payments_ensure(lot: Lot, months: list[dt.date], say: Say) -> None:
    made = []
    owner_flat = _flat(DEMO_A, "12")
    first = _charge(owner_flat, months[0]) if owner_flat is not None else None
    if owner_flat is not None and first is not None:
        at = _local(_day(months[0], 10), 14, 30)
        partial = max(ROUND, first * 2 // 3 // ROUND * ROUND)
        if _pay(Provider.PAYME, PAYME_PARTIAL, owner_flat, partial, at):
            made.append(f"Payme {format_som(partial)} (flat 12, partial)")
        at = _local(_day(months[1], 12), 19, 10)
        if payment_locked(provider=Provider.CLICK, provider_id=CLICK_OVERPAYMENT) is None:
            over = _round_up(max(_owed_at(owner_flat, at), 0) + CREDIT)
            if _pay(Provider.CLICK, CLICK_OVERPAYMENT, owner_flat, over, at):
                made.append(f"Click {format_som(over)} (flat 12, overpayment)")
        at = _local(_day(months[1], 20), 21, 45)
        if _pay(Provider.PAYME, PAYME_CANCELLED, owner_flat, CANCELLED_TIYIN, at, perform=False):
            made.append("Payme (flat 12, cancelled by timeout)")
    neighbour_flat = _flat(DEMO_B, "5")
    in_lot = LotBuilding.objects.filter(lot=lot, building__cadastral_number=DEMO_B).exists()
    exact = _charge(neighbour_flat, months[0]) if neighbour_flat and in_lot else None
    if neighbour_flat is not None and exact is not None:
        at = _local(_day(months[0], 15), 10, 20)
        if _pay(Provider.PAYME, PAYME_NEIGHBOUR, neighbour_flat, exact, at):
            made.append(f"Payme {format_som(exact)} (flat 5 of building B, one month)")
    if made:
        say("payments: " + "; ".join(made))


# --- additional revenue and the lease ---------------------------------------------------------


def _act_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page act as a PDF (WeasyPrint, as the receipts and protocols)."""
    from django.utils.html import format_html, format_html_join
    from weasyprint import HTML  # imported here: loading it costs ~0.3 s

    html = format_html(
        "<html lang='uz'><body style='font-family: sans-serif'><h1>{}</h1>{}</body></html>",
        title,
        format_html_join("", "<p>{}</p>", ((line,) for line in lines)),
    )
    return bytes(HTML(string=str(html)).write_pdf())


def _revenue_ensure(lot: Lot, months: list[dt.date], director: User, say: Say) -> None:
    made = 0
    for kind, counterparty, tin, som, index, day, note, title in REVENUE:
        if AdditionalRevenue.objects.filter(lot=lot, kind=kind, counterparty=counterparty).exists():
            continue
        received_on = min(_day(months[index], day), timezone.localdate())
        amount = som * TIYIN_PER_SOM
        document = _act_pdf(
            title,
            [
                f"Sana: {received_on:%d.%m.%Y}",
                f"Toʻlovchi: {counterparty} (STIR {tin})",
                f"Oluvchi: {lot.manager.name if lot.manager else ''}",
                f"Asos: {note}",
                f"Summa: {format_som(amount)}",
            ],
        )
        name = f"dalolatnoma-{kind}-{received_on:%Y-%m-%d}.pdf"
        revenue_record(
            lot=lot,
            kind=kind,
            counterparty=counterparty,
            counterparty_tin=tin,
            amount_tiyin=amount,
            received_on=received_on,
            document=SimpleUploadedFile(name, document, content_type="application/pdf"),
            note=note,
            by=director,
            at=_local(received_on + dt.timedelta(days=1), 11, 0),
        )
        made += 1
    if made:
        say(f"lot {lot.code}: {made} additional revenue records")


def _lease_decision(building: Building) -> Decision | None:
    """The passed qualified lease decision of building A's closed council meeting."""
    meeting = (
        Meeting.objects.filter(
            building=building, initiator=MeetingInitiator.COUNCIL, status=MeetingStatus.CLOSED
        )
        .order_by("pk")
        .first()
    )
    if meeting is None:
        return None
    return meeting.decisions.filter(
        kind=QuestionKind.LEASE, rule=QuestionRule.QUALIFIED, passed=True
    ).first()


def _lease_ensure(director: User, say: Say) -> None:
    building = Building.objects.get(cadastral_number=DEMO_A)
    decision = _lease_decision(building)
    if decision is None:
        say("no demo lease: building A has no passed qualified lease decision")
        return
    today = timezone.localdate()
    contract = LeaseContract.objects.filter(decision=decision).first()
    if contract is None:
        decided_on = timezone.localdate(decision.decided_at)
        signed_on = min(decided_on + dt.timedelta(days=LEASE_SIGNED_AFTER_DAYS), today)
        starts_on = month_next(signed_on)
        contract = lease_record(
            building=building,
            kind=LeaseKind.LEASE,
            lessee_name=LESSEE[0],
            lessee_tin=LESSEE[1],
            object_description=LEASE_OBJECT,
            object_area_m2=Decimal("18.00"),
            starts_on=starts_on,
            ends_on=starts_on.replace(year=starts_on.year + 3) - dt.timedelta(days=1),
            rent_tiyin=LEASE_RENT_TIYIN,
            signed_on=signed_on,
            decision_uid=decision.uid,
            by=director,
            at=_local(signed_on, 16, 0),
        )
        say(f"lease #{contract.pk} of building A signed on {signed_on:%d.%m.%Y}")
    if not contract.registered:
        registered_on = min(
            contract.signed_on + dt.timedelta(days=LEASE_REGISTERED_AFTER_DAYS), today
        )
        lease_register(
            contract=contract,
            number=TAX_NUMBER.format(year=registered_on.year),
            registered_on=registered_on,
            by=director,
            at=_local(registered_on, 15, 30),
        )
        say(f"lease #{contract.pk} registered with the tax authority on {registered_on:%d.%m.%Y}")


# --- the whole ----------------------------------------------------------------------------------


def _step(name: str, say: Say, run: Any, *args: Any) -> None:
    """One piece in its own savepoint: a refusal is said, and the other pieces go on."""
    try:
        with transaction.atomic():
            run(*args)
    except (BillingError, PaymentError) as exc:
        say(f"no demo {name}: {getattr(exc, 'message', exc)}")


def demo_billing_ensure(*, cast: Cast, say: Say) -> None:
    """The billing demo of the personas' managed lot (see the module docstring)."""
    lot = _lot_of_a()
    if lot is None:
        say("no billing demo: building A is in no lot")
        return
    if lot.status != LotStatus.MANAGED or lot.manager_id != cast.mc.pk:
        say(f"no billing demo: lot {lot.code} is not managed by {cast.mc.name}")
        return
    months = demo_months()
    director = cast.users["mc_director"]
    _step("tariff", say, _tariff_ensure, lot, months[0], cast, say)
    _step("charges", say, _charges_ensure, lot, months, say)
    _step("payments", say, _payments_ensure, lot, months, say)
    _step("revenue", say, _revenue_ensure, lot, months, director, say)
    _step("lease", say, _lease_ensure, director, say)
