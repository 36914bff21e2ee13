"""Additional revenue (DOMAIN.md "Billing"; issue 10 point 9): the staff of the MC that
manages a lot record it, with its counterparty, amount, date and document; each record is
one ledger transaction, the MC's only way to declare income. Every refusal writes nothing:
no row, no ledger entry, no stored file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from billing.documents import DOCUMENT_MAX_BYTES, MSG_EMPTY, MSG_TOO_LARGE, MSG_TYPE
from billing.ledger import ledger_check
from billing.models import (
    AccountKind,
    AdditionalRevenue,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
)
from billing.revenue import (
    MAX_TIYIN,
    MSG_CONTRACT_ELSEWHERE,
    MSG_CONTRACT_ONLY_FOR_LEASE,
    MSG_IN_THE_FUTURE,
    MSG_LEASE_NEEDS_CONTRACT,
    MSG_MAY_NOT_RECORD,
    MSG_NOT_POSITIVE,
    revenue_record,
)
from billing.revenue import (
    MSG_TOO_LARGE as MSG_AMOUNT_TOO_LARGE,
)
from billing.services import BillingError
from buildings.models import Building
from core.money import BadAmount, format_som, som_parse
from lots.services import mc_remove_from_register
from mening_uyim.demo import DEMO_A, DEMO_C, Cast
from tests.billing.revenue_world import (
    JPEG,
    PDF,
    PNG,
    contract_on,
    pdf,
    sa_lot,
    tk_lot,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 10)
AT = timezone.make_aware(dt.datetime(2026, 12, 10, 15, 0))


def _record(c: Cast, key: str = "mc_director", **overrides: Any) -> AdditionalRevenue:
    values: dict[str, Any] = {
        "lot": tk_lot(c),
        "kind": "light_structure",
        "counterparty": "«Tez Savdo» YaTT",
        "counterparty_tin": "30304750010055",
        "amount_tiyin": 1_234_567_50,
        "received_on": dt.date(2026, 11, 30),
        "document": pdf(),
        "by": c.users[key],
        "at": AT,
        "today": TODAY,
    }
    values.update(overrides)
    return revenue_record(**values)


def _stored_files() -> list[str]:
    found: list[str] = []

    def walk(path: str) -> None:
        if not default_storage.exists(path or "."):
            return
        folders, files = default_storage.listdir(path)
        found.extend(f"{path}/{f}" for f in files)
        for folder in folders:
            walk(f"{path}/{folder}" if path else folder)

    walk("billing")
    return found


def _nothing_written() -> None:
    assert not AdditionalRevenue.objects.exists()
    assert not LedgerTransaction.objects.exists()
    assert not LedgerEntry.objects.exists()
    assert _stored_files() == []


@pytest.mark.parametrize("key", ["mc_director", "mc_dispatcher"])
def test_mc_staff_record_revenue_as_one_ledger_transaction(cast: Cast, key: str) -> None:
    revenue = _record(cast, key)
    txn = revenue.transaction
    assert (txn.kind, txn.lot_id, txn.period, txn.by) == (
        "revenue",
        tk_lot(cast).pk,
        dt.date(2026, 11, 1),
        cast.users[key],
    )
    entries = {e.account.kind: e.amount_tiyin for e in txn.entries.select_related("account")}
    assert entries == {
        AccountKind.REVENUE_RECEIVED: 1_234_567_50,
        AccountKind.REVENUE: -1_234_567_50,
    }
    assert {e.account.company_id for e in txn.entries.all()} == {cast.mc.pk}
    assert revenue.company == cast.mc
    assert revenue.document.read() == PDF
    assert ledger_check() == {"transactions": 1, "unbalanced": 0, "balance_mismatches": 0}
    income = LedgerAccount.objects.get(kind=AccountKind.REVENUE, company=cast.mc)
    assert income.balance_tiyin == -1_234_567_50


@pytest.mark.parametrize(
    "key",
    ["owner", "neighbour", "outsider", "rival_mc", "council", "inspector", "other_inspector"],
)
def test_nobody_else_records_revenue(cast: Cast, key: str) -> None:
    with pytest.raises(BillingError) as refused:
        _record(cast, key)
    assert refused.value.message == str(MSG_MAY_NOT_RECORD)
    _nothing_written()


def test_the_rival_mc_records_nothing_on_a_lot_it_does_not_manage(cast: Cast) -> None:
    sa_lot(cast)  # the rival manages a lot, just not this one
    with pytest.raises(BillingError):
        _record(cast, "rival_mc")
    _nothing_written()


def test_the_staff_of_a_removed_mc_record_nothing(cast: Cast) -> None:
    lot = tk_lot(cast)
    mc_remove_from_register(
        mc=cast.mc, reason="Test", removed_on=TODAY, inspector=cast.users["inspector"]
    )
    with pytest.raises(BillingError) as refused:
        _record(cast, lot=lot)
    assert refused.value.message == str(MSG_MAY_NOT_RECORD)
    _nothing_written()


@pytest.mark.parametrize("amount", [0, -1, -1_000_00])
def test_the_amount_is_more_than_zero(cast: Cast, amount: int) -> None:
    with pytest.raises(BillingError) as refused:
        _record(cast, amount_tiyin=amount)
    assert refused.value.message == str(MSG_NOT_POSITIVE)
    _nothing_written()


def test_the_amount_is_plausible_and_an_integer(cast: Cast) -> None:
    with pytest.raises(BillingError) as refused:
        _record(cast, amount_tiyin=MAX_TIYIN + 1)
    assert refused.value.message == str(MSG_AMOUNT_TOO_LARGE % {"max": format_som(MAX_TIYIN)})
    with pytest.raises(TypeError):
        _record(cast, amount_tiyin=1234.5)
    _nothing_written()
    assert _record(cast, amount_tiyin=MAX_TIYIN).amount_tiyin == MAX_TIYIN


def test_the_date_is_today_at_the_latest(cast: Cast) -> None:
    with pytest.raises(BillingError) as refused:
        _record(cast, received_on=TODAY + dt.timedelta(days=1))
    assert refused.value.message == str(MSG_IN_THE_FUTURE)
    _nothing_written()
    assert _record(cast, received_on=TODAY).received_on == TODAY


def test_today_is_tashkents(cast: Cast) -> None:
    """At 20:00 UTC on 10 December it is already 11 December in Tashkent (UTC+5)."""
    late = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)
    revenue = _record(cast, received_on=dt.date(2026, 12, 11), at=late, today=None)
    assert revenue.received_on == dt.date(2026, 12, 11)


def test_a_lease_revenue_names_a_lease_contract_of_the_lot(cast: Cast) -> None:
    director = cast.users["mc_director"]
    building_a = Building.objects.get(cadastral_number=DEMO_A)
    tk_lot(cast)
    lease = contract_on(building_a, director)
    gratuitous = contract_on(building_a, director, kind="gratuitous", rent_tiyin=0)
    sa_lot(cast)
    elsewhere = contract_on(Building.objects.get(cadastral_number=DEMO_C), cast.users["rival_mc"])
    for lease_arg, kind, message in (
        (None, "lease", MSG_LEASE_NEEDS_CONTRACT),
        (elsewhere, "lease", MSG_CONTRACT_ELSEWHERE),
        (gratuitous, "lease", MSG_CONTRACT_ELSEWHERE),
        (lease, "other", MSG_CONTRACT_ONLY_FOR_LEASE),
    ):
        with pytest.raises(BillingError) as refused:
            _record(cast, kind=kind, lease=lease_arg)
        assert refused.value.message == str(message)
    assert not AdditionalRevenue.objects.exists()
    assert not LedgerTransaction.objects.exists()
    assert _record(cast, kind="lease", lease=lease).lease == lease


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("akt.pdf", PDF, None),
        ("akt.PDF", PDF, None),
        ("rasm.jpg", JPEG, None),
        ("rasm.jpeg", JPEG, None),
        ("rasm.png", PNG, None),
        ("max.pdf", PDF + b"0" * (DOCUMENT_MAX_BYTES - len(PDF)), None),
        ("big.pdf", PDF + b"0" * (DOCUMENT_MAX_BYTES - len(PDF) + 1), MSG_TOO_LARGE),
        ("empty.pdf", b"", MSG_EMPTY),
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64, MSG_TYPE),
        ("rasm.pdf", PNG, MSG_TYPE),
        ("akt.png", PDF, MSG_TYPE),
        ("akt.docx", b"PK\x03\x04" + b"\x00" * 32, MSG_TYPE),
        ("akt.pdf.exe", PDF, MSG_TYPE),
    ],
)
def test_the_document_is_a_pdf_jpg_or_png_of_at_most_10_mb(
    cast: Cast, name: str, content: bytes, message: Any
) -> None:
    document = SimpleUploadedFile(name, content)
    if message is None:
        assert _record(cast, document=document).document.size == len(content)
        return
    with pytest.raises(BillingError) as refused:
        _record(cast, document=document)
    assert refused.value.message == str(message)
    _nothing_written()


@pytest.mark.parametrize(
    ("typed", "tiyin"),
    [
        ("1 234 567", 1_234_567_00),
        ("1234567,5", 1_234_567_50),
        ("1 234 567.05 so'm", 1_234_567_05),
        ("1\u00a0234\u00a0567", 1_234_567_00),
        ("0,01", 1),
        ("250000", 250_000_00),
    ],
)
def test_amounts_are_typed_in_som_and_kept_in_tiyin(typed: str, tiyin: int) -> None:
    assert som_parse(typed) == tiyin


@pytest.mark.parametrize("typed", ["1,234,567", "12.345", "1e5", "١٢", "abc", "1.2.3", "", "--5"])
def test_an_amount_that_is_not_so_m_is_refused(typed: str) -> None:
    with pytest.raises(BadAmount):
        som_parse(typed)
