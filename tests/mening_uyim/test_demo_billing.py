"""`seed_demo`'s money (mening_uyim.demo_billing; issue 10, point 12): the personas' managed
lot has charges for the last three months, payments through each provider (a partial one
and an overpayment), a receipt to download, additional revenue and one lease; a second
run doubles nothing. The world is the demo's at a small scale (tests/demo_world.py)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from billing.leases import lease_violations_flag
from billing.ledger import apartment_balance
from billing.models import (
    AccountKind,
    AdditionalRevenue,
    CancelReason,
    LeaseContract,
    LedgerEntry,
    PaymentState,
    Provider,
    ProviderTransaction,
    RevenueKind,
)
from billing.payments.clients import FakePaymeTransport, PaymeClient
from billing.payments.reconciliation import day_window, reconciliation_run
from billing.payments.services import from_ms, ms
from buildings.models import Apartment, Building
from core.money import format_som
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import DEMO_A, DEMO_B, Cast
from mening_uyim.demo_billing import (
    CLICK_OVERPAYMENT,
    PAYME_CANCELLED,
    PAYME_NEIGHBOUR,
    PAYME_PARTIAL,
    demo_billing_ensure,
    demo_months,
)
from tests.billing.payment_calls import payme
from tests.demo_world import page_as, row_counts

pytestmark = pytest.mark.django_db


def _seed() -> str:
    err = StringIO()
    call_command("seed_demo", "--json", stdout=StringIO(), stderr=err)
    return err.getvalue()


def _flat(cadastral: str, number: str) -> Apartment:
    return Apartment.objects.get(building__cadastral_number=cadastral, number=number)


def _charges(apartment: Apartment) -> dict[dt.date, int]:
    rows = LedgerEntry.objects.filter(apartment=apartment, kind="charge")
    return dict(rows.values_list("period", "amount_tiyin"))


def _payment(provider: str, provider_id: str) -> ProviderTransaction:
    return ProviderTransaction.objects.get(provider=provider, provider_id=provider_id)


def _local_month(payment: ProviderTransaction) -> dt.date:
    """The month (Asia/Tashkent) the payment was performed in (created, if it was not)."""
    moment = from_ms(payment.perform_time_ms or payment.create_time_ms)
    return timezone.localdate(moment).replace(day=1)


def test_seed_demo_gives_the_personas_bills_payments_revenue_and_a_lease_once(
    cast: Cast, demo_world: tuple[Lot, Lot], settings: Any
) -> None:
    lot, _second = demo_world
    said = _seed()
    rows = row_counts(("billing",))
    assert _seed() == ""  # a second run: nothing to say, and no billing row more
    assert row_counts(("billing",)) == rows
    assert "Traceback" not in said
    assert "no demo" not in said
    assert "no billing demo" not in said
    lot.refresh_from_db()
    assert lot.status == LotStatus.MANAGED
    assert lot.manager == cast.mc
    months = demo_months()

    # The ledger's own audit.
    out = StringIO()
    call_command("ledger_check", "--json", stdout=out)
    audit = json.loads(out.getvalue())
    assert audit["unbalanced"] == 0
    assert audit["balance_mismatches"] == 0
    assert audit["transactions"] > 0

    # 1. Charges for M-2, M-1 and M, at the tariff set by the council persona.
    owner_flat, neighbour_flat = _flat(DEMO_A, "12"), _flat(DEMO_B, "5")
    charges = _charges(owner_flat)
    assert sorted(charges) == months
    assert sorted(_charges(neighbour_flat)) == months
    tariff = lot.tariffs.get()
    assert tariff.set_by == cast.users["council"]
    assert tariff.effective_from == months[0]
    assert tariff.set_at < timezone.now()

    # 2. Payments: the owner's partial Payme payment in M-2, the owner's Click overpayment in
    # M-1, a Payme transaction cancelled by timeout; the neighbour pays exactly M-2's charge.
    partial = _payment(Provider.PAYME, PAYME_PARTIAL)
    assert partial.state == PaymentState.PERFORMED
    assert partial.apartment == owner_flat
    assert 0 < partial.amount_tiyin < charges[months[0]]
    assert _local_month(partial) == months[0]
    over = _payment(Provider.CLICK, CLICK_OVERPAYMENT)
    assert over.state == PaymentState.PERFORMED
    assert over.apartment == owner_flat
    assert _local_month(over) == months[1]
    owed_then = charges[months[0]] + charges[months[1]] - partial.amount_tiyin
    assert over.amount_tiyin > owed_then
    cancelled = _payment(Provider.PAYME, PAYME_CANCELLED)
    assert cancelled.state == PaymentState.CANCELLED
    assert cancelled.payment is None
    assert cancelled.reason == CancelReason.TIMEOUT
    exact = _payment(Provider.PAYME, PAYME_NEIGHBOUR)
    assert exact.state == PaymentState.PERFORMED
    assert exact.apartment == neighbour_flat
    assert exact.amount_tiyin == _charges(neighbour_flat)[months[0]]
    for p in (partial, over, cancelled, exact):
        assert p.account_number == p.apartment.account_number
        assert p.provider_time_ms < p.create_time_ms <= ms(timezone.now())
        assert p.perform_time_ms == 0 or p.perform_time_ms > p.create_time_ms

    # The balance is the charges minus the performed payments, exactly; M-1 ends in credit.
    paid = ProviderTransaction.objects.filter(
        apartment=owner_flat, state=PaymentState.PERFORMED
    ).aggregate(s=Sum("amount_tiyin"))["s"]
    assert apartment_balance(owner_flat.pk) == sum(charges.values()) - paid
    assert owed_then - over.amount_tiyin < 0  # the overpayment stays as credit

    # Payme's own view of them: CheckTransaction and GetStatement answer from the same rows,
    # and a reconciliation against Payme's mirrored book flags nothing.
    client = Client()
    checked = payme(client, "CheckTransaction", {"id": PAYME_PARTIAL})["result"]
    assert checked["state"] == 2
    assert checked["perform_time"] == partial.perform_time_ms
    window = {"from": ms(day_window(months[0])[0]), "to": ms(timezone.now())}
    statement = payme(client, "GetStatement", window)["result"]["transactions"]
    assert {t["id"]: t["state"] for t in statement} == {
        PAYME_PARTIAL: 2,
        PAYME_NEIGHBOUR: 2,
        PAYME_CANCELLED: -1,
    }
    fake = FakePaymeTransport(merchant_id="m-1", key="k-1")
    for p in ProviderTransaction.objects.filter(provider=Provider.PAYME):
        state = {1: 1, 2: 4, -1: 50, -2: 50}[p.state]
        fake.add(
            p.provider_id,
            account=p.account_number,
            amount=p.amount_tiyin,
            state=state,
            create_time=p.provider_time_ms,
            pay_time=p.perform_time_ms,
        )
    start, end = day_window(timezone.localdate(from_ms(partial.provider_time_ms)))
    payme_client = PaymeClient(
        merchant_id="m-1", key="k-1", url="https://payme.test", transport=fake
    )
    run = reconciliation_run(provider=Provider.PAYME, start=start, end=end, client=payme_client)
    assert run.ours == 1
    assert run.theirs == 1
    assert run.flagged == 0

    # 3. The owner's bills: the apartment, its three months and both providers' payments.
    owner = cast.users["owner"]
    bill_url = reverse("billing:apartment", args=[owner_flat.pk])
    assert bill_url in page_as(owner, reverse("billing:my_bills"), unescape=True)
    bill = page_as(owner, bill_url, unescape=True)
    for period in months:
        assert f'data-period="{period:%Y-%m}"' in bill
    assert "Payme" in bill
    assert "Click" in bill
    assert format_som(partial.amount_tiyin) in bill
    assert format_som(over.amount_tiyin) in bill

    # The receipt of month M: the owner's PDF; a 404 for the outsider persona.
    receipt = reverse("billing:receipt", args=[owner_flat.pk, f"{months[2]:%Y-%m}"])
    client.force_login(owner)
    response = client.get(receipt)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    client.force_login(cast.users["outsider"])
    assert client.get(receipt).status_code == 404

    # 4. Additional revenue, recorded by the MC director with a document each.
    revenue = list(AdditionalRevenue.objects.filter(lot=lot).order_by("received_on"))
    assert [r.kind for r in revenue] == [RevenueKind.SERVICE_CENTRE, RevenueKind.LIGHT_STRUCTURE]
    director = cast.users["mc_director"]
    page = page_as(director, reverse("billing:revenue"), unescape=True)
    for record in revenue:
        assert record.recorded_by == director
        assert record.company == cast.mc
        assert record.document.read(5) == b"%PDF-"
        assert record.counterparty in page
        assert format_som(record.amount_tiyin) in page

    # 5. One lease on the closed meeting's lease decision, registered on time: no violation.
    contract = LeaseContract.objects.get(lot=lot)
    assert contract.decision.meeting.status == "closed"
    assert contract.registered
    assert contract.tax_registered_on is not None
    assert (
        contract.tax_registered_on - contract.signed_on
    ).days <= settings.LEASE_REGISTRATION_DAYS
    assert contract.signed_on < timezone.localdate()
    assert contract.object_description in page_as(
        director, reverse("billing:leases"), unescape=True
    )
    assert lease_violations_flag() == []

    # 6. The inspector's money by month: the lot's MC with its contributions of month M.
    contributed = -LedgerEntry.objects.filter(
        account__kind=AccountKind.CONTRIBUTIONS, transaction__lot=lot, transaction__period=months[2]
    ).aggregate(s=Sum("amount_tiyin"))["s"]
    money = page_as(cast.users["inspector"], reverse("billing:money_by_month"), unescape=True)
    assert cast.mc.name in money
    assert format_som(contributed) in money


def test_billing_demo_waits_for_a_managed_lot(cast: Cast) -> None:
    """Before the election has given the lot its MC, nothing is charged, paid or recorded."""
    lot = Lot.objects.create(code="UZ-TK-003", region=cast.region)
    LotBuilding.objects.create(lot=lot, building=Building.objects.get(cadastral_number=DEMO_A))
    said: list[str] = []
    rows = row_counts(("billing",))
    demo_billing_ensure(cast=cast, say=said.append)
    assert row_counts(("billing",)) == rows
    assert said == [f"no billing demo: lot UZ-TK-003 is not managed by {cast.mc.name}"]
