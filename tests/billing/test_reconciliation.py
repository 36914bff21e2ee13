"""The nightly reconciliation (issue 10, point 7): our transactions against each provider's
statement, through the real clients over faithful fake transports; every difference is
flagged once, for the inspectors of the apartment's region."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from billing.models import FlagKind, ProviderTransaction, ReconciliationFlag, ReconciliationRun
from billing.payments import clients
from billing.payments.clients import (
    ClickClient,
    ClientError,
    FakeClickTransport,
    FakePaymeTransport,
    PaymeClient,
)
from billing.payments.reconciliation import day_window, reconciliation_run
from billing.payments.services import ms
from tests.billing.conftest import Estate
from tests.billing.payment_calls import (
    click_complete,
    click_prepare,
    create_params,
    payme,
)

pytestmark = pytest.mark.django_db

# A fixed day: read from the wall clock at import, "yesterday" changed under a run that
# crossed midnight in Tashkent (CI did). The nightly task's test freezes the clock the
# morning after.
DAY = dt.date(2026, 11, 10)
START, END = day_window(DAY)


def _payme_client(fake: FakePaymeTransport) -> PaymeClient:
    return PaymeClient(merchant_id="m-1", key="k-1", url="https://payme.test/api", transport=fake)


def _fake() -> FakePaymeTransport:
    return FakePaymeTransport(merchant_id="m-1", key="k-1")


def _payme_payment(
    client: Client, account: str, amount: int, at: dt.datetime, *, perform: bool = True
) -> str:
    """A Payme payment created (and performed) at ``at``, on a clock standing there."""
    params = create_params(account, amount, time=ms(at))
    with mock.patch.object(timezone, "now", return_value=at + dt.timedelta(seconds=30)):
        assert payme(client, "CreateTransaction", params)["result"]["state"] == 1
        if perform:
            performed = payme(client, "PerformTransaction", {"id": params["id"]})
            assert performed["result"]["state"] == 2
    return str(params["id"])


def _mirror(fake: FakePaymeTransport) -> None:
    """Payme's book as it should be: a receipt for each of our Payme transactions."""
    states = {1: 1, 2: 4, -1: 50, -2: 50}
    for p in ProviderTransaction.objects.filter(provider="payme"):
        fake.add(
            p.provider_id,
            account=p.account_number,
            amount=p.amount_tiyin,
            state=states[p.state],
            create_time=p.provider_time_ms,
            pay_time=p.perform_time_ms,
        )


def _kinds(run: ReconciliationRun) -> set[tuple[str, str]]:
    return set(run.flags.values_list("provider_id", "kind"))


def test_matching_statements_flag_nothing(client: Client, estate: Estate) -> None:
    account = estate.flats[0].account_number
    for hour, amount in ((1, 200_000), (9, 350_000), (23, 125_000)):
        _payme_payment(client, account, amount, START + dt.timedelta(hours=hour))
    pending = _payme_payment(client, account, 300_000, START + dt.timedelta(hours=2), perform=False)
    cancelled = _payme_payment(client, account, 150_000, START + dt.timedelta(hours=3))
    payme(client, "CancelTransaction", {"id": cancelled, "reason": 5})
    fake = _fake()
    _mirror(fake)
    run = reconciliation_run(provider="payme", start=START, end=END, client=_payme_client(fake))
    assert (run.ours, run.theirs, run.flagged, run.error) == (5, 5, 0, "")
    assert run.finished_at is not None
    assert pending  # a pending transaction on both sides is no difference


def test_every_difference_is_flagged(client: Client, estate: Estate) -> None:
    account = estate.flats[0].account_number
    at = START + dt.timedelta(hours=10)
    only_ours = _payme_payment(client, account, 200_000, at)
    wrong_amount = _payme_payment(client, account, 300_000, at)
    wrong_state = _payme_payment(client, account, 400_000, at)
    fake = _fake()
    _mirror(fake)
    fake.receipts = [r for r in fake.receipts if r["_id"] != only_ours]
    for receipt in fake.receipts:
        if receipt["_id"] == wrong_amount:
            receipt["amount"] = 310_000
        if receipt["_id"] == wrong_state:
            receipt["state"], receipt["pay_time"] = 50, 0
    fake.add("f" * 24, account=account, amount=500_000, state=4, create_time=ms(at))
    fake.add("e" * 24, account="999999999999", amount=500_000, state=4, create_time=ms(at))
    run = reconciliation_run(provider="payme", start=START, end=END, client=_payme_client(fake))
    assert _kinds(run) == {
        (only_ours, FlagKind.MISSING_THERE),
        (wrong_amount, FlagKind.AMOUNT),
        (wrong_state, FlagKind.STATE),
        ("f" * 24, FlagKind.MISSING_HERE),
        ("e" * 24, FlagKind.MISSING_HERE),
    }
    assert run.flagged == 5
    amount_flag = run.flags.get(kind=FlagKind.AMOUNT)
    assert (amount_flag.ours_amount_tiyin, amount_flag.theirs_amount_tiyin) == (300_000, 310_000)
    state_flag = run.flags.get(kind=FlagKind.STATE)
    assert (state_flag.ours_state, state_flag.theirs_state) == ("performed", "cancelled")
    # a provider row of one of our accounts reaches the apartment's region; an unknown one
    # has no apartment (national inspectors see it)
    assert run.flags.get(provider_id="f" * 24).apartment_id == estate.flats[0].pk
    assert run.flags.get(provider_id="e" * 24).apartment_id is None


def test_a_retry_of_the_window_is_a_no_op_and_a_later_run_flags_nothing_twice(
    client: Client, estate: Estate
) -> None:
    account = estate.flats[0].account_number
    _payme_payment(client, account, 200_000, START + dt.timedelta(hours=1))
    fake = _fake()  # Payme knows nothing: missing there
    first = reconciliation_run(provider="payme", start=START, end=END, client=_payme_client(fake))
    calls = fake.calls
    again = reconciliation_run(provider="payme", start=START, end=END, client=_payme_client(fake))
    assert again.pk == first.pk
    assert fake.calls == calls  # not asked again
    wider = reconciliation_run(
        provider="payme", start=START, end=END + dt.timedelta(days=1), client=_payme_client(fake)
    )
    assert wider.flagged == 0
    assert ReconciliationFlag.objects.count() == 1


def test_a_provider_row_just_outside_our_window_is_compared_not_missing(
    client: Client, estate: Estate
) -> None:
    account = estate.flats[0].account_number
    pid = _payme_payment(client, account, 200_000, START - dt.timedelta(seconds=1))
    fake = _fake()
    _mirror(fake)
    fake.receipts[0]["create_time"] = ms(START + dt.timedelta(seconds=1))  # Payme's clock
    run = reconciliation_run(provider="payme", start=START, end=END, client=_payme_client(fake))
    assert (run.ours, run.theirs, run.flagged) == (0, 1, 0)
    assert pid


def test_the_payme_client_pages_by_50_as_payme_requires(estate: Estate) -> None:
    fake = _fake()
    for i in range(120):
        fake.add(f"{i:024x}", account="x", amount=100_000, state=4, create_time=ms(START) + i)
    rows = _payme_client(fake).statement(start=START, end=END, known=[])
    assert len(rows) == 120
    assert fake.calls == 3
    assert [r.provider_id for r in rows] == [f"{i:024x}" for i in range(120)]


def test_a_provider_that_cannot_be_asked_leaves_an_error_and_is_retried(
    client: Client, estate: Estate
) -> None:
    _payme_payment(client, estate.flats[0].account_number, 200_000, START)
    wrong = PaymeClient(merchant_id="m-1", key="wrong", url="u", transport=_fake())
    run = reconciliation_run(provider="payme", start=START, end=END, client=wrong)
    assert "refused" in run.error
    assert run.flags.count() == 0
    none = reconciliation_run(provider="payme", start=START, end=END, client=None)
    assert "no client configured" in none.error
    fixed = reconciliation_run(
        provider="payme", start=START, end=END, client=_payme_client(_fake())
    )
    assert fixed.pk == run.pk
    assert (fixed.error, fixed.flagged) == ("", 1)


def test_the_network_failure_of_the_real_transport_is_a_client_error() -> None:
    with pytest.raises(ClientError):
        clients.http_transport("GET", "http://127.0.0.1:9/", {}, None)


def test_click_is_reconciled_through_its_payment_status(client: Client, estate: Estate) -> None:
    account = estate.flats[0].account_number
    sign_time = (START + dt.timedelta(hours=12)).strftime("%Y-%m-%d %H:%M:%S")
    ids = {}
    for trans_id in ("8001", "8002", "8003", "8004"):
        reply = click_prepare(client, account, click_trans_id=trans_id, sign_time=sign_time)
        ids[trans_id] = reply["merchant_prepare_id"]
    for trans_id in ("8001", "8002", "8004"):
        click_complete(client, account, ids[trans_id], click_trans_id=trans_id, sign_time=sign_time)
    click_complete(
        client, account, ids["8004"], click_trans_id="8004", sign_time=sign_time, error="-5017"
    )  # reversed here; Click says "cancelled" and cannot tell the two apart: no difference
    fake = FakeClickTransport(merchant_user_id="u-1", secret_key=settings.CLICK_SECRET_KEY)
    # paydoc ids are click_trans_id + 900000 (tests.billing.payment_calls)
    fake.statuses = {"908001": 2, "908002": -99, "908004": -99}  # 8003 unknown to Click
    click_api = ClickClient(
        service_id=settings.CLICK_SERVICE_ID,
        merchant_user_id="u-1",
        secret_key=settings.CLICK_SECRET_KEY,
        url="https://click.test/v2/merchant/",
        transport=fake,
    )
    run = reconciliation_run(provider="click", start=START, end=END, client=click_api)
    assert run.ours == 4
    assert _kinds(run) == {("8002", FlagKind.STATE), ("8003", FlagKind.MISSING_THERE)}


def test_the_nightly_task_is_on_the_beat_and_reconciles_yesterday(
    client: Client, estate: Estate, monkeypatch: pytest.MonkeyPatch
) -> None:
    from billing.tasks import payments_reconcile
    from mening_uyim.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["payments-reconcile"]
    assert entry["task"] == "billing.tasks.payments_reconcile"
    app.loader.import_default_modules()
    assert "billing.tasks.payments_reconcile" in app.tasks
    _payme_payment(client, estate.flats[0].account_number, 200_000, START + dt.timedelta(hours=5))
    fake = _fake()
    monkeypatch.setattr(
        clients, "client_for", lambda p: _payme_client(fake) if p == "payme" else None
    )
    morning_after = END + dt.timedelta(hours=2, minutes=30)  # when the beat runs it
    with mock.patch.object(timezone, "now", return_value=morning_after):
        assert payments_reconcile.apply().get() == 1
    runs = ReconciliationRun.objects.order_by("provider")
    assert [(r.provider, r.window_start) for r in runs] == [("click", START), ("payme", START)]
    assert payments_reconcile.apply(kwargs={"day": DAY.isoformat()}).get() == 1
    assert ReconciliationFlag.objects.count() == 1


def test_the_real_clients_are_configured_only_with_reconciliation_on(settings: Any) -> None:
    """Outside production the demo's placeholder merchant ids never reach the providers:
    the nightly task asks them only with PAYMENT_RECONCILIATION on."""
    from billing.payments.clients import ClickClient, PaymeClient, client_for

    settings.PAYME_MERCHANT_ID, settings.PAYME_KEY = "merchant", "key"
    settings.CLICK_MERCHANT_USER_ID, settings.CLICK_SECRET_KEY = "7", "secret"
    settings.PAYMENT_RECONCILIATION = False
    assert client_for("payme") is None
    assert client_for("click") is None
    settings.PAYMENT_RECONCILIATION = True
    assert isinstance(client_for("payme"), PaymeClient)
    assert isinstance(client_for("click"), ClickClient)
    settings.PAYME_KEY = ""
    assert client_for("payme") is None
