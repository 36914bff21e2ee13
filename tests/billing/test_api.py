"""The billing API (issue 10): bills, tariffs, additional revenue, lease contracts and
their registration, violations and the MCs' money by month. Each endpoint reads through
the pages' selectors and writes through the pages' services; a refusal is a 400 naming
the reason (translated), with nothing written. Who may call what is the matrix's
(tests/billing/test_api_access.py)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from billing.checkout import MSG_AMOUNT_FORMAT
from billing.documents import MSG_TYPE
from billing.leases import (
    MSG_ALREADY_REGISTERED,
    MSG_DECISION_AFTER_SIGNING,
    MSG_DECISION_NOT_PASSED,
    MSG_DECISION_NOT_QUALIFIED,
    MSG_DECISION_UNKNOWN,
    MSG_LEASE_RENT,
    MSG_REGISTERED_BEFORE_SIGNING,
    registration_deadline,
)
from billing.models import (
    AdditionalRevenue,
    LeaseContract,
    LedgerEntry,
    LedgerTransaction,
    SuspendedMonth,
    Suspension,
    Tariff,
)
from billing.models.leases import MSG_PARTY_ID
from billing.revenue import (
    MSG_IN_THE_FUTURE,
    MSG_LEASE_NEEDS_CONTRACT,
    MSG_MAY_NOT_RECORD,
)
from billing.revenue import MSG_NOT_POSITIVE as MSG_AMOUNT_NOT_POSITIVE
from billing.revenue_forms import MSG_DECISION_ID, MSG_MONTH
from billing.services import MSG_IN_THE_PAST, MSG_NOT_FIRST, MSG_NOT_POSITIVE
from buildings.models import Apartment, Building
from core.money import format_som
from core.periods import month_next
from mening_uyim.demo import DEMO_A, Cast
from tests.billing.conftest import Estate, pay, tariff
from tests.billing.revenue_world import (
    PDF,
    decision_of,
    pdf,
    sa_contract,
    sa_lot,
    sa_revenue,
    sa_violation,
    tk_contract,
    tk_lot,
    tk_revenue,
    tk_violation,
)
from tests.billing.test_bills import DEC, NOV, accrue, local
from tests.billing.test_revenue import _nothing_written, _stored_files
from tests.queries import session_queries
from voting.models import QuestionRule

pytestmark = pytest.mark.django_db
DECIDED = timezone.make_aware(dt.datetime(2026, 11, 2, 18, 0))


def api(user: User | None = None, language: str | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    if language is not None:
        client.credentials(HTTP_ACCEPT_LANGUAGE=language)
    return client


def in_language(message: Any, language: str) -> str:
    with translation.override(language):
        return str(message)


@pytest.fixture
def billed(cast: Cast, estate: Estate) -> Estate:
    """Flat 1 (45.55 m², the owner's) charged 68 325 so'm for November and December, with
    a payment of 50 000 so'm in November (as tests/billing/test_bills.py)."""
    tariff(estate, 150_000)
    accrue(estate, NOV, DEC)
    pay(estate.flats[0], 5_000_000, local(2026, 11, 20, 12, 0))
    return estate


# --- bills -------------------------------------------------------------------------------------


def test_my_bills_lists_each_apartment_with_its_months_receipts_and_pay_links(
    cast: Cast, billed: Estate
) -> None:
    response = api(cast.users["owner"]).get("/api/v1/me/bills/")
    assert response.status_code == 200
    bills = {b["id"]: b for b in response.json()["results"]}
    flat = billed.flats[0]
    assert billed.flats[1].pk not in bills  # not the owner's
    bill = bills[flat.pk]
    assert bill["account_number"] == flat.account_number
    assert bill["lot"] == {"id": billed.lot.pk, "code": "UZ-TK-950"}
    assert bill["management_company"] == {
        "id": cast.mc.pk,
        "name": cast.mc.name,
        "tin": cast.mc.tin,
    }
    assert (bill["balance_tiyin"], bill["balance_som"]) == (8_665_000, format_som(8_665_000))
    assert bill["suspension"] is None
    dec, nov = bill["months"]
    assert nov == {
        "period": "2026-11",
        "opening_tiyin": 0,
        "opening_som": format_som(0),
        "charges_tiyin": 6_832_500,
        "charges_som": format_som(6_832_500),
        "payments_tiyin": 5_000_000,
        "payments_som": format_som(5_000_000),
        "adjustments_tiyin": 0,
        "adjustments_som": format_som(0),
        "closing_tiyin": 1_832_500,
        "closing_som": format_som(1_832_500),
        "suspended_reason": None,
        "receipt_pdf": {
            "uz": f"http://testserver/api/v1/apartments/{flat.pk}/receipts/2026-11.pdf?lang=uz",
            "ru": f"http://testserver/api/v1/apartments/{flat.pk}/receipts/2026-11.pdf?lang=ru",
        },
    }
    assert (dec["opening_tiyin"], dec["closing_tiyin"]) == (1_832_500, 8_665_000)
    pay_block = bill["pay"]
    assert (pay_block["amount_tiyin"], pay_block["amount_som"]) == (
        8_665_000,
        format_som(8_665_000),
    )
    links = {link["provider"]: link["url"] for link in pay_block["links"]}
    assert set(links) == {"payme", "click"}
    payme = base64.b64decode(links["payme"].rsplit("/", 1)[1]).decode()
    assert f"ac.account={flat.account_number};a=8665000;" in payme
    assert f"transaction_param={flat.account_number}" in links["click"]
    assert "amount=86650.00" in links["click"]
    # the owner's flat 12 of building A is in no lot: no MC, no months, nothing to pay
    other = next(b for pk, b in bills.items() if pk != flat.pk)
    assert (other["lot"], other["management_company"], other["months"]) == (None, None, [])
    assert other["pay"] == {"amount_tiyin": None, "amount_som": None, "links": []}


def test_the_receipt_link_of_a_month_opens_its_pdf(client: Any, cast: Cast, billed: Estate) -> None:
    bill = api(cast.users["owner"]).get(f"/api/v1/apartments/{billed.flats[0].pk}/bill/").json()
    client.force_login(cast.users["owner"])
    receipt = client.get(bill["months"][0]["receipt_pdf"]["ru"])
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt["Content-Language"] == "ru"


def test_a_token_reads_my_bills(cast: Cast, billed: Estate) -> None:
    token = Token.objects.create(user=cast.users["owner"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/me/bills/")
    assert response.status_code == 200
    assert billed.flats[0].pk in {b["id"] for b in response.json()["results"]}


def test_a_token_downloads_the_receipt_its_bill_links_to(cast: Cast, billed: Estate) -> None:
    token = Token.objects.create(user=cast.users["owner"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    bill = client.get(f"/api/v1/apartments/{billed.flats[0].pk}/bill/").json()
    receipt = client.get(bill["months"][0]["receipt_pdf"]["uz"])
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    outsider = Token.objects.create(user=cast.users["outsider"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {outsider.key}")
    assert client.get(bill["months"][0]["receipt_pdf"]["uz"]).status_code == 404


def test_a_suspended_lot_is_said_so_with_the_pages_notice(cast: Cast, billed: Estate) -> None:
    today = timezone.localdate()
    suspension = Suspension.objects.create(
        lot=billed.lot,
        starts_on=today.replace(day=1),
        reason="Q3 2026 report not filed",
        created_at=timezone.now(),
    )
    SuspendedMonth.objects.create(
        lot=billed.lot,
        period=dt.date(2026, 10, 1),
        suspension=suspension,
        recorded_at=timezone.now(),
    )
    notices = set()
    for language in ("uz", "ru"):
        response = api(cast.users["owner"], language).get("/api/v1/me/bills/")
        bill = next(b for b in response.json()["results"] if b["id"] == billed.flats[0].pk)
        notice = bill["suspension"]
        assert (notice["starts_on"], notice["ends_on"]) == (f"{today.replace(day=1)}", None)
        assert notice["reason"] == "Q3 2026 report not filed"
        with translation.override(language):
            sentence = translation.gettext(
                "Accrual of contributions for your lot is suspended from %(start)s."
            ) % {"start": f"{today.replace(day=1):%d.%m.%Y}"}
            never = translation.gettext("Months skipped while suspended are never charged later.")
        assert notice["notice"].startswith(sentence)
        assert notice["notice"].endswith(never)
        assert "Q3 2026 report not filed" in notice["notice"]
        notices.add(notice["notice"])
        october = next(m for m in bill["months"] if m["period"] == "2026-10")
        assert october["charges_tiyin"] == 0
        assert october["suspended_reason"] == "Q3 2026 report not filed"
    assert len(notices) == 2  # in each language its own words


def _months_of_charges(estate: Estate, months: int) -> None:
    tariff(estate, 150_000, start=dt.date(2025, 1, 1))
    period = dt.date(2026, 12, 1)
    for _ in range(months):
        accrue(estate, period)
        for flat in estate.flats:
            pay(flat, 200_000, local(period.year, period.month, 3, 12, 0))
        period = dt.date(period.year - (period.month == 1), (period.month - 2) % 12 + 1, 1)


@pytest.mark.parametrize(("months", "flats"), [(2, 1), (12, 1), (12, 3)])
def test_my_bills_takes_the_same_queries_however_many_months_and_apartments(
    cast: Cast, estate: Estate, months: int, flats: int, django_assert_num_queries: Any
) -> None:
    owner = cast.users["owner"]
    for flat in estate.flats[1:flats]:
        flat.ownerships.create(person=owner.person, since=dt.date(2020, 1, 1))
    _months_of_charges(estate, months)
    Suspension.objects.create(
        lot=estate.lot, starts_on=dt.date(2027, 1, 1), reason="-", created_at=timezone.now()
    )
    client = api()
    client.force_login(owner)
    # the session (tests/queries.py), the login, its roles (3: an owner's buildings too),
    # the count, the page of apartments, their entries grouped by month, the lots'
    # suspended months, the suspensions in force
    with django_assert_num_queries(9 + session_queries()):
        response = client.get("/api/v1/me/bills/")
    assert response.status_code == 200
    bills = {b["id"]: b for b in response.json()["results"]}
    assert len(bills) == flats + 1  # and flat 12 of building A
    assert all(len(bills[f.pk]["months"]) == months for f in estate.flats[:flats])


def test_an_apartments_bill_is_its_owners_with_its_payments(cast: Cast, billed: Estate) -> None:
    flat = billed.flats[0]
    response = api(cast.users["owner"]).get(f"/api/v1/apartments/{flat.pk}/bill/")
    assert response.status_code == 200
    bill = response.json()
    assert (bill["id"], bill["balance_tiyin"]) == (flat.pk, 8_665_000)
    assert [m["period"] for m in bill["months"]] == ["2026-12", "2026-11"]
    (payment,) = bill["payments"]
    assert (payment["kind"], payment["amount_tiyin"], payment["provider"]) == (
        "payment", 5_000_000, "payme",
    )  # fmt: skip
    assert payment["amount_som"] == format_som(5_000_000)
    # another owner's apartment, or one that does not exist: 404 alike
    for key, pk in (("neighbour", flat.pk), ("owner", billed.flats[1].pk), ("owner", 10**12)):
        assert api(cast.users[key]).get(f"/api/v1/apartments/{pk}/bill/").status_code == 404


def test_co_owners_both_see_the_whole_bill(cast: Cast) -> None:
    flat = Apartment.objects.get(building__cadastral_number=DEMO_A, number="12")
    pay(flat, 2_500_000, local(2026, 10, 15, 12, 0))
    for key in ("owner", "co_owner"):
        bill = api(cast.users[key]).get(f"/api/v1/apartments/{flat.pk}/bill/").json()
        assert bill["balance_tiyin"] == -2_500_000, key
        assert bill["pay"]["links"] == []  # in credit: nothing to pay


def test_the_bill_offers_links_for_an_amount_the_owner_enters(cast: Cast, billed: Estate) -> None:
    url = f"/api/v1/apartments/{billed.flats[0].pk}/bill/"
    bill = api(cast.users["owner"]).get(url, {"amount": "150 000,50"}).json()
    assert bill["pay"]["amount_tiyin"] == 15_000_050
    assert all(link["url"] for link in bill["pay"]["links"])
    refused = api(cast.users["owner"], "ru").get(url, {"amount": "x"})
    assert refused.status_code == 400
    assert refused.json() == {"detail": in_language(MSG_AMOUNT_FORMAT, "ru")}


# --- tariffs -----------------------------------------------------------------------------------


def _next_month() -> dt.date:
    return month_next(timezone.localdate().replace(day=1))


@pytest.mark.parametrize("key", ["mc_director", "council", "inspector"])
def test_who_sees_the_lots_money_reads_its_tariff_history(
    cast: Cast, estate: Estate, key: str
) -> None:
    older = tariff(estate, 120_000, start=dt.date(2026, 1, 1))
    newer = tariff(estate, 150_000, start=dt.date(2026, 7, 1))
    response = api(cast.users[key]).get(f"/api/v1/lots/{estate.lot.pk}/tariffs/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [newer.pk, older.pk]
    assert rows[0]["effective_from"] == "2026-07-01"
    assert (rows[0]["tiyin_per_m2"], rows[0]["som_per_m2"]) == (150_000, format_som(150_000))
    assert rows[0]["set_by_role"] == "council_member"


@pytest.mark.parametrize("key", ["council", "inspector"])
def test_a_council_or_inspector_sets_a_tariff(cast: Cast, estate: Estate, key: str) -> None:
    response = api(cast.users[key]).post(
        f"/api/v1/lots/{estate.lot.pk}/tariffs/",
        {"tiyin_per_m2": 165_050, "effective_from": f"{_next_month()}", "reason": " indeksatsiya "},
        format="json",
    )
    assert response.status_code == 201
    made = Tariff.objects.get(lot=estate.lot)
    assert (made.tiyin_per_m2, made.effective_from, made.set_by) == (
        165_050, _next_month(), cast.users[key],
    )  # fmt: skip
    assert response.json()["id"] == made.pk
    assert response.json()["reason"] == "indeksatsiya"


def test_the_mc_sees_the_tariffs_but_may_not_set_one(cast: Cast, estate: Estate) -> None:
    response = api(cast.users["mc_director"]).post(
        f"/api/v1/lots/{estate.lot.pk}/tariffs/",
        {"tiyin_per_m2": 150_000, "effective_from": f"{_next_month()}"},
        format="json",
    )
    assert response.status_code == 403
    assert not Tariff.objects.exists()


def _earliest_text() -> str:
    return f"{timezone.localdate():%m.%Y}"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"tiyin_per_m2": 0}, None, MSG_NOT_POSITIVE),
        ({"tiyin_per_m2": -5}, None, MSG_NOT_POSITIVE),
        ({"effective_from": "next-first-plus-1"}, None, MSG_NOT_FIRST),
        ({"effective_from": "2020-01-01"}, None, MSG_IN_THE_PAST),
        ({"tiyin_per_m2": "1 500"}, "tiyin_per_m2", None),
        ({"tiyin_per_m2": None}, "tiyin_per_m2", None),
        ({"effective_from": "2027-01"}, "effective_from", None),
        ({"reason": "x" * 501}, "reason", None),
    ],
)
def test_a_bad_tariff_is_refused_in_the_callers_language_and_nothing_is_written(
    cast: Cast, estate: Estate, data: dict[str, Any], field: str | None, message: Any
) -> None:
    body: dict[str, Any] = {"tiyin_per_m2": 150_000, "effective_from": f"{_next_month()}"}
    body.update(data)
    if body["effective_from"] == "next-first-plus-1":
        body["effective_from"] = f"{_next_month().replace(day=2)}"
    response = api(cast.users["council"], "ru").post(
        f"/api/v1/lots/{estate.lot.pk}/tariffs/", body, format="json"
    )
    assert response.status_code == 400
    if message is not None:
        if message is MSG_IN_THE_PAST:
            expected = in_language(MSG_IN_THE_PAST, "ru") % {"month": _earliest_text()}
        else:
            expected = in_language(message, "ru")
        assert response.json() == {"detail": expected}
        assert expected != in_language(message, "en")  # translated
    else:
        assert list(response.json()) == [field]
    assert not Tariff.objects.exists()


# --- additional revenue ------------------------------------------------------------------------


def _revenue_body(c: Cast, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "lot": tk_lot(c).pk,
        "kind": "service_centre",
        "counterparty": "Sartaroshxona «Zulfiya»",
        "counterparty_tin": "",
        "amount_tiyin": 2_500_000_00,
        "received_on": f"{timezone.localdate():%Y-%m-%d}",
        "document": pdf(),
        "note": "",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.parametrize("key", ["mc_director", "mc_dispatcher"])
def test_mc_staff_record_revenue_with_its_document(cast: Cast, key: str) -> None:
    response = api(cast.users[key]).post(
        "/api/v1/revenue/", _revenue_body(cast), format="multipart"
    )
    assert response.status_code == 201, response.json()
    revenue = AdditionalRevenue.objects.get()
    out = response.json()
    assert out["id"] == revenue.pk
    assert (out["amount_tiyin"], out["amount_som"]) == (2_500_000_00, format_som(2_500_000_00))
    assert out["transaction"] == revenue.transaction_id
    assert out["lot"] == {"id": revenue.lot_id, "code": "UZ-TK-960"}
    assert out["document_url"] == f"http://testserver/billing/revenue/{revenue.pk}/document/"
    assert revenue.recorded_by == cast.users[key]
    assert sum(LedgerEntry.objects.values_list("amount_tiyin", flat=True)) == 0
    listed = api(cast.users[key]).get("/api/v1/revenue/").json()["results"]
    assert [r["id"] for r in listed] == [revenue.pk]
    detail = api(cast.users[key]).get(f"/api/v1/revenue/{revenue.pk}/").json()
    assert detail == out


def test_the_revenue_document_link_downloads_it(client: Any, cast: Cast) -> None:
    out = api(cast.users["mc_director"]).post(
        "/api/v1/revenue/", _revenue_body(cast), format="multipart"
    )
    client.force_login(cast.users["inspector"])
    download = client.get(out.json()["document_url"])
    assert b"".join(download.streaming_content) == PDF


def test_revenue_from_a_lease_names_its_contract(cast: Cast) -> None:
    contract = tk_contract(cast)
    body = _revenue_body(cast, kind="lease", lease=contract.pk)
    response = api(cast.users["mc_director"]).post("/api/v1/revenue/", body, format="multipart")
    assert response.status_code == 201
    assert response.json()["lease"] == contract.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount_tiyin": 0}, None, MSG_AMOUNT_NOT_POSITIVE),
        ({"received_on": "2099-01-01"}, None, MSG_IN_THE_FUTURE),
        ({"kind": "lease"}, None, MSG_LEASE_NEEDS_CONTRACT),
        ({"document": SimpleUploadedFile("akt.pdf", b"MZ" + b"\x00" * 20)}, "document", MSG_TYPE),
        ({"counterparty_tin": "12345"}, "counterparty_tin", MSG_PARTY_ID),
        ({"document": None}, "document", None),
        ({"amount_tiyin": "2 500 000"}, "amount_tiyin", None),
        ({"kind": "salary"}, "kind", None),
        ({"counterparty": ""}, "counterparty", None),
        ({"received_on": "30.11.2026"}, "received_on", None),
        ({"lot": 10**12}, "lot", MSG_MAY_NOT_RECORD),
        ({"lot": "x"}, "lot", None),
    ],
)
def test_bad_revenue_is_refused_with_the_reason_and_nothing_is_written(
    cast: Cast, overrides: dict[str, Any], field: str | None, message: Any
) -> None:
    response = api(cast.users["mc_director"], "uz").post(
        "/api/v1/revenue/", _revenue_body(cast, **overrides), format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    if field is None:
        assert body == {"detail": in_language(message, "uz")}
    else:
        assert list(body) == [field]
        if message is not None:
            assert body[field] == [in_language(message, "uz")]
    _nothing_written()


def test_revenue_on_another_mcs_lot_or_lease_is_refused(cast: Cast) -> None:
    other = sa_lot(cast)
    foreign = sa_contract(cast)
    before = AdditionalRevenue.objects.count(), LedgerTransaction.objects.count()
    director = api(cast.users["mc_director"])
    refused = director.post(
        "/api/v1/revenue/", _revenue_body(cast, lot=other.pk), format="multipart"
    )
    assert refused.status_code == 400
    assert refused.json() == {"lot": [str(MSG_MAY_NOT_RECORD)]}
    body = _revenue_body(cast, kind="lease", lease=foreign.pk)
    assert director.post("/api/v1/revenue/", body, format="multipart").status_code == 400
    assert (AdditionalRevenue.objects.count(), LedgerTransaction.objects.count()) == before
    assert _stored_files() == []


def test_json_is_not_how_revenue_is_sent(cast: Cast) -> None:
    body = _revenue_body(cast, document=None)
    response = api(cast.users["mc_director"]).post("/api/v1/revenue/", body, format="json")
    assert response.status_code == 415
    assert not AdditionalRevenue.objects.exists()


def test_inspectors_and_councils_read_the_revenue_they_oversee(cast: Cast) -> None:
    tashkent, samarkand = tk_revenue(cast), sa_revenue(cast)
    for key, seen in (
        ("inspector", tashkent),
        ("other_inspector", samarkand),
        ("council", tashkent),
        ("mc_director", tashkent),
        ("rival_mc", samarkand),
    ):
        client = api(cast.users[key])
        assert [r["id"] for r in client.get("/api/v1/revenue/").json()["results"]] == [seen.pk]
        unseen = samarkand if seen == tashkent else tashkent
        assert client.get(f"/api/v1/revenue/{unseen.pk}/").status_code == 404, key
        assert client.get(f"/api/v1/revenue/{seen.pk}/").status_code == 200, key


# --- lease contracts ---------------------------------------------------------------------------


def _lease_body(c: Cast, **overrides: Any) -> dict[str, Any]:
    tk_lot(c)
    building = Building.objects.get(cadastral_number=DEMO_A)
    decision = overrides.pop("decision", None) or decision_of(building, decided_at=DECIDED)
    body = {
        "building": building.pk,
        "kind": "lease",
        "lessee_name": "«Nur Savdo» MChJ",
        "lessee_tin": "305123456",
        "object_description": "Yertoʻla, 2-podyezd",
        "object_area_m2": "40.50",
        "starts_on": "2026-11-10",
        "ends_on": "2029-11-09",
        "rent_tiyin": 1_500_000_00,
        "signed_on": "2026-11-05",
        "decision_uid": str(decision.uid),
    }
    body.update(overrides)
    return body


def test_the_mc_records_a_contract_and_is_told_its_deadline(cast: Cast) -> None:
    director = api(cast.users["mc_director"])
    response = director.post("/api/v1/leases/", _lease_body(cast), format="json")
    assert response.status_code == 201, response.json()
    contract = LeaseContract.objects.get()
    out = response.json()
    assert out["id"] == contract.pk
    assert out["decision"] == str(contract.decision_id)
    assert (out["rent_tiyin"], out["rent_som"]) == (1_500_000_00, format_som(1_500_000_00))
    assert out["registration_deadline"] == f"{registration_deadline(dt.date(2026, 11, 5))}"
    assert (out["registered"], out["violation"]) == (False, None)
    assert out["building"]["address"] == contract.building.address
    assert [c["id"] for c in director.get("/api/v1/leases/").json()["results"]] == [contract.pk]
    assert director.get(f"/api/v1/leases/{contract.pk}/").json() == out


@pytest.mark.parametrize(
    ("decision", "messages"),
    [
        ({"passed": False}, [MSG_DECISION_NOT_PASSED]),
        ({"rule": QuestionRule.SIMPLE}, [MSG_DECISION_NOT_QUALIFIED]),
        (
            {"passed": False, "rule": QuestionRule.SIMPLE},
            [MSG_DECISION_NOT_QUALIFIED, MSG_DECISION_NOT_PASSED],
        ),
        ({"decided_at": DECIDED + dt.timedelta(days=10)}, [MSG_DECISION_AFTER_SIGNING]),
    ],
)
def test_a_contract_on_a_bad_decision_is_refused_naming_every_reason(
    cast: Cast, decision: dict[str, Any], messages: list[Any]
) -> None:
    building = Building.objects.get(cadastral_number=DEMO_A)
    tk_lot(cast)
    made = decision_of(building, **{"decided_at": DECIDED, **decision})
    response = api(cast.users["mc_director"], "ru").post(
        "/api/v1/leases/", _lease_body(cast, decision=made), format="json"
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    for message in messages:
        assert in_language(message, "ru") in detail
    assert not LeaseContract.objects.exists()


def test_a_contract_on_a_decision_that_does_not_exist_is_refused(cast: Cast) -> None:
    body = _lease_body(cast, decision_uid=str(uuid.uuid4()))
    response = api(cast.users["mc_director"]).post("/api/v1/leases/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": str(MSG_DECISION_UNKNOWN)}
    assert not LeaseContract.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"decision_uid": "protokol-7"}, "decision_uid", MSG_DECISION_ID),
        ({"lessee_tin": "12345"}, "lessee_tin", MSG_PARTY_ID),
        ({"rent_tiyin": "1,500,000"}, "rent_tiyin", None),
        ({"ends_on": ""}, "ends_on", None),
        ({"kind": "sale"}, "kind", None),
        ({"object_area_m2": "-3"}, "object_area_m2", None),
        ({"building": 10**12}, "building", None),
        ({"rent_tiyin": 0}, None, MSG_LEASE_RENT),
    ],
)
def test_a_bad_contract_answers_400_and_writes_nothing(
    cast: Cast, overrides: dict[str, Any], field: str | None, message: Any
) -> None:
    response = api(cast.users["mc_dispatcher"]).post(
        "/api/v1/leases/", _lease_body(cast, **overrides), format="json"
    )
    assert response.status_code == 400
    if field is None:
        assert response.json() == {"detail": str(message)}
    else:
        assert list(response.json()) == [field]
        if message is not None:
            assert response.json()[field] == [str(message)]
    assert not LeaseContract.objects.exists()


def test_the_mc_adds_the_tax_registration_once(cast: Cast) -> None:
    contract = tk_contract(cast)
    director = api(cast.users["mc_director"])
    url = f"/api/v1/leases/{contract.pk}/registration/"
    early = f"{contract.signed_on - dt.timedelta(days=1)}"
    refused = director.post(url, {"number": "SQ-77", "registered_on": early}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"detail": str(MSG_REGISTERED_BEFORE_SIGNING)}
    assert director.post(url, {"number": "", "registered_on": ""}, format="json").status_code == 400
    contract.refresh_from_db()
    assert not contract.registered
    done = director.post(url, {"number": "SQ-77", "registered_on": f"{contract.signed_on}"})
    assert done.status_code == 200
    assert (done.json()["registered"], done.json()["tax_registration_number"]) == (True, "SQ-77")
    again = director.post(url, {"number": "SQ-78", "registered_on": f"{contract.signed_on}"})
    assert again.json() == {"detail": str(MSG_ALREADY_REGISTERED)}
    contract.refresh_from_db()
    assert contract.tax_registration_number == "SQ-77"


@pytest.mark.parametrize("key", ["council", "inspector"])
def test_who_sees_a_contract_but_does_not_manage_it_may_not_register_it(
    cast: Cast, key: str
) -> None:
    contract = tk_contract(cast)
    response = api(cast.users[key]).post(
        f"/api/v1/leases/{contract.pk}/registration/",
        {"number": "SQ-77", "registered_on": f"{contract.signed_on}"},
    )
    assert response.status_code == 403
    contract.refresh_from_db()
    assert not contract.registered


# --- violations and the MCs' money by month ---------------------------------------------------


def test_inspectors_see_the_violations_of_their_region(cast: Cast) -> None:
    tashkent, samarkand = tk_violation(cast), sa_violation(cast)
    for key, seen in (("inspector", tashkent), ("other_inspector", samarkand)):
        rows = api(cast.users[key]).get("/api/v1/violations/").json()["results"]
        assert [v["id"] for v in rows] == [seen.pk], key
        (row,) = rows
        assert row["contract"]["id"] == seen.contract_id
        assert row["company"]["tin"] == seen.company.tin
        assert row["deadline"] == f"{seen.deadline}"
    contract = api(cast.users["mc_director"]).get(f"/api/v1/leases/{tashkent.contract_id}/")
    assert contract.json()["violation"]["deadline"] == f"{tashkent.deadline}"


def test_inspectors_read_each_mcs_money_by_month(cast: Cast) -> None:
    tk_revenue(cast)  # 2 500 000 so'm received on 20.11.2026
    sa_revenue(cast)
    response = api(cast.users["inspector"]).get("/api/v1/inspection/months/", {"until": "2026-12"})
    assert response.status_code == 200
    (row,) = response.json()["results"]  # the region's MC only
    assert row["company"]["id"] == cast.mc.pk
    assert (row["revenue_tiyin"], row["revenue_som"]) == (2_500_000_00, format_som(2_500_000_00))
    assert row["contributions_tiyin"] == 0
    assert [m["period"] for m in row["months"]][-2:] == ["2026-11", "2026-12"]
    assert len(row["months"]) == 12
    november = row["months"][-2]
    assert (november["revenue_tiyin"], november["revenue_som"]) == (
        2_500_000_00, format_som(2_500_000_00),
    )  # fmt: skip
    refused = api(cast.users["inspector"], "ru").get(
        "/api/v1/inspection/months/", {"until": "12.2026"}
    )
    assert refused.status_code == 400
    assert refused.json() == {"until": [in_language(MSG_MONTH, "ru")]}


@pytest.mark.parametrize(
    ("language", "integer", "date"),
    [
        ("uz", "Butun son kiriting.", "Sana formati notoʻgʻri."),
        ("ru", "Требуется целое число.", "Неправильный формат даты."),
    ],
)
def test_a_fields_format_error_is_in_the_callers_language(
    cast: Cast, estate: Estate, language: str, integer: str, date: str
) -> None:
    response = api(cast.users["council"], language).post(
        f"/api/v1/lots/{estate.lot.pk}/tariffs/",
        {"tiyin_per_m2": "1 500", "effective_from": "01.2027"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["tiyin_per_m2"] == [integer]
    assert errors["effective_from"][0].startswith(date)
    assert not Tariff.objects.exists()
