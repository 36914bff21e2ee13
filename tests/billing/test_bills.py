"""Bills (issue 10 point 8): the statement derived from ledger entries, "my bills", the
apartment's bill with its Pay links, the receipt PDF, and a suspended lot said so."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from billing.accrual import accrual_lot
from billing.checkout import MSG_AMOUNT_FORMAT, MSG_AMOUNT_TOO_SMALL
from billing.ledger import transaction_reverse
from billing.models import SuspendedMonth, Suspension
from billing.selectors import statement
from buildings.models import Apartment, Building
from core.money import format_som
from mening_uyim.demo import DEMO_A, Cast
from tests.billing.conftest import Estate, pay, tariff
from tests.queries import session_queries

pytestmark = pytest.mark.django_db
NOV, DEC = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
TASHKENT = timezone.get_default_timezone()


def local(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TASHKENT)


def accrue(estate: Estate, *periods: dt.date) -> None:
    for period in periods:
        accrual_lot(
            lot_id=estate.lot.pk, period=period, at=local(period.year, period.month, 1, 0, 5)
        )


@pytest.fixture
def billed(cast: Cast, estate: Estate) -> Estate:
    """Flat 1 (45.55 m², the owner's) charged 68 325 so'm for November and December at
    1 500 so'm per m², with a partial payment of 50 000 so'm in November."""
    tariff(estate, 150_000)
    accrue(estate, NOV, DEC)
    pay(estate.flats[0], 5_000_000, local(2026, 11, 20, 12, 0))
    return estate


def test_the_statement_runs_opening_to_closing_month_by_month(billed: Estate) -> None:
    found = statement(billed.flats[0].pk)
    assert [m.period for m in found.months] == [DEC, NOV]
    dec, nov = found.months
    assert (nov.opening_tiyin, nov.charges_tiyin, nov.payments_tiyin, nov.closing_tiyin) == (
        0, 6_832_500, 5_000_000, 1_832_500,
    )  # fmt: skip
    assert (dec.opening_tiyin, dec.charges_tiyin, dec.payments_tiyin, dec.closing_tiyin) == (
        1_832_500, 6_832_500, 0, 8_665_000,
    )  # fmt: skip
    assert found.balance_tiyin == 8_665_000


def test_a_payment_counts_in_its_month_in_tashkent(billed: Estate) -> None:
    flat = billed.flats[0]
    pay(flat, 1_000_000, local(2026, 11, 30, 23, 59))  # 18:59 UTC: still November here
    pay(flat, 2_000_000, local(2026, 12, 1, 0, 1))  # 19:01 UTC on 30 November: December
    dec, nov = statement(flat.pk).months
    assert nov.payments_tiyin == 6_000_000
    assert dec.payments_tiyin == 2_000_000


def test_a_reversed_payment_is_a_correction_of_its_month(billed: Estate) -> None:
    payment = pay(billed.flats[0], 3_000_000, local(2026, 12, 5, 10, 0))
    transaction_reverse(original=payment, at=local(2026, 12, 6, 10, 0))
    dec = statement(billed.flats[0].pk).months[0]
    assert (dec.payments_tiyin, dec.adjustments_tiyin) == (3_000_000, 3_000_000)
    assert dec.closing_tiyin == 8_665_000


def test_an_overpayment_stays_as_credit(billed: Estate) -> None:
    pay(billed.flats[0], 10_000_000, local(2026, 12, 10, 9, 0), provider="click")
    assert statement(billed.flats[0].pk).balance_tiyin == -1_335_000


@pytest.mark.parametrize("months", [2, 12])
def test_the_bill_page_takes_the_same_queries_however_many_months(
    client: Client, cast: Cast, estate: Estate, months: int, django_assert_num_queries: Any
) -> None:
    tariff(estate, 150_000, start=dt.date(2025, 1, 1))
    period = dt.date(2026, 12, 1)
    for _ in range(months):
        accrue(estate, period)
        pay(estate.flats[0], 200_000, local(period.year, period.month, 3, 12, 0))
        period = dt.date(period.year - (period.month == 1), (period.month - 2) % 12 + 1, 1)
    client.force_login(cast.users["owner"])
    url = f"/billing/apartments/{estate.flats[0].pk}/"
    # a cold request (the page's own queries, the login, its roles); then from the cache
    with django_assert_num_queries(9 + session_queries()):  # tests/queries.py
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["statement"].months) == months
    with django_assert_num_queries(session_queries()):  # from the cache (buildings.owner_pages)
        assert client.get(url).status_code == 200


def test_my_bills_lists_each_apartment_with_its_balance(
    client: Client, cast: Cast, billed: Estate, django_assert_num_queries: Any
) -> None:
    client.force_login(cast.users["owner"])
    with django_assert_num_queries(5 + session_queries()):  # tests/queries.py, cold
        response = client.get("/billing/")
    balances = {a.pk: a.balance_tiyin for a in response.context["apartments"]}
    assert balances[billed.flats[0].pk] == 8_665_000
    assert billed.flats[1].pk not in balances  # not the owner's
    assert escape(format_som(8_665_000)) in response.content.decode()


def test_co_owners_both_see_the_whole_bill(client: Client, cast: Cast) -> None:
    flat = Apartment.objects.get(building__cadastral_number=DEMO_A, number="12")  # ½ each
    pay(flat, 3_000_000, local(2026, 12, 2, 9, 0))
    for key in ("owner", "co_owner"):
        client.force_login(cast.users[key])
        response = client.get(f"/billing/apartments/{flat.pk}/")
        assert response.context["statement"].balance_tiyin == -3_000_000


def _payme_params(url: str) -> dict[str, str]:
    encoded = url.rsplit("/", 1)[1]
    return dict(part.split("=", 1) for part in base64.b64decode(encoded).decode().split(";"))


def test_the_pay_links_ask_for_the_debt(client: Client, cast: Cast, billed: Estate) -> None:
    flat = billed.flats[0]
    client.force_login(cast.users["owner"])
    response = client.get(f"/billing/apartments/{flat.pk}/")
    links = {link.provider: link.url for link in response.context["links"]}
    assert links["payme"].startswith("https://checkout.paycom.uz/")
    assert _payme_params(links["payme"]) == {
        "m": "mening-uyim-demo",
        "ac.account": flat.account_number,
        "a": "8665000",
        "l": "uz",
        "c": f"http://testserver/billing/apartments/{flat.pk}/",
    }
    click = urlsplit(links["click"])
    assert (click.scheme, click.netloc, click.path) == ("https", "my.click.uz", "/services/pay")
    assert parse_qs(click.query) == {
        "service_id": ["1"],
        "merchant_id": ["1"],
        "amount": ["86650.00"],
        "transaction_param": [flat.account_number],
        "return_url": [f"http://testserver/billing/apartments/{flat.pk}/"],
    }
    assert f'href="{links["click"].replace("&", "&amp;")}"' in response.content.decode()


def test_an_owner_may_pay_another_amount(client: Client, cast: Cast, billed: Estate) -> None:
    client.force_login(cast.users["owner"])
    response = client.get(f"/billing/apartments/{billed.flats[0].pk}/?amount=150 000,5")
    links = {link.provider: link.url for link in response.context["links"]}
    assert _payme_params(links["payme"])["a"] == "15000050"
    assert parse_qs(urlsplit(links["click"]).query)["amount"] == ["150000.50"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [("abc", MSG_AMOUNT_FORMAT), ("-5", MSG_AMOUNT_FORMAT), ("1.234", MSG_AMOUNT_FORMAT),
     ("999.99", MSG_AMOUNT_TOO_SMALL), ("", MSG_AMOUNT_FORMAT)],
)  # fmt: skip
def test_a_bad_amount_is_refused_with_a_reason(
    client: Client, cast: Cast, billed: Estate, amount: str, message: Any
) -> None:
    client.force_login(cast.users["owner"])
    response = client.get(f"/billing/apartments/{billed.flats[0].pk}/", {"amount": amount})
    assert response.status_code == 400
    assert response.context["links"] == []
    expected = str(message) % {"min": format_som(100_000)} if "%" in str(message) else message
    assert response.context["amount_error"] == str(expected)


def test_nothing_is_asked_while_in_credit(client: Client, cast: Cast, billed: Estate) -> None:
    pay(billed.flats[0], 10_000_000, local(2026, 12, 10, 9, 0))
    client.force_login(cast.users["owner"])
    response = client.get(f"/billing/apartments/{billed.flats[0].pk}/")
    assert response.context["links"] == []
    assert response.status_code == 200


def test_a_provider_without_its_ids_is_not_offered(
    client: Client, cast: Cast, billed: Estate, settings: Any
) -> None:
    settings.PAYME_MERCHANT_ID = ""
    client.force_login(cast.users["owner"])
    response = client.get(f"/billing/apartments/{billed.flats[0].pk}/")
    assert [link.provider for link in response.context["links"]] == ["click"]


def test_a_suspended_lot_is_said_so_with_its_reason(
    client: Client, cast: Cast, billed: Estate
) -> None:
    today = timezone.localdate()
    start = today.replace(day=1)
    suspension = Suspension.objects.create(
        lot=billed.lot,
        starts_on=start,
        reason="2026 Q3 hisoboti muddatida topshirilmadi",
        created_at=timezone.now(),
    )
    SuspendedMonth.objects.create(
        lot=billed.lot,
        period=dt.date(2026, 10, 1),
        suspension=suspension,
        recorded_at=timezone.now(),
    )
    client.force_login(cast.users["owner"])
    response = client.get(f"/billing/apartments/{billed.flats[0].pk}/")
    page = response.content.decode()
    assert 'id="suspension"' in page
    assert page.count("2026 Q3 hisoboti muddatida topshirilmadi") == 2  # the notice, October
    october = response.context["statement"].month(dt.date(2026, 10, 1))
    assert october is not None
    assert october.charges_tiyin == 0


def test_an_ended_suspension_is_not_said(client: Client, cast: Cast, billed: Estate) -> None:
    Suspension.objects.create(
        lot=billed.lot,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 4, 1),
        reason="Eski",
        created_at=timezone.now(),
    )
    client.force_login(cast.users["owner"])
    response = client.get(f"/billing/apartments/{billed.flats[0].pk}/")
    assert response.context["suspension"] is None


# --- the receipt ----------------------------------------------------------------------


def _text(pdf: bytes, tmp_path: Any) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext (poppler-utils)")
@pytest.mark.parametrize(("lang", "word"), [("uz", "Noyabr 2026 uchun"), ("ru", "за ноябрь 2026")])
def test_the_receipt_shows_the_month_in_the_owners_language(
    client: Client, cast: Cast, billed: Estate, tmp_path: Any, lang: str, word: str
) -> None:
    Building.objects.filter(pk=billed.building.pk).update(
        address="Yunusobod tumani, Bogʻishamol koʻchasi, 21-uy"
    )
    client.force_login(cast.users["owner"])
    response = client.get(
        f"/billing/apartments/{billed.flats[0].pk}/receipts/2026-11.pdf?lang={lang}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Language"] == lang
    text = _text(response.content, tmp_path)
    with translation.override(lang):  # amounts in the receipt's language (soʻm, сум)
        amounts = [format_som(6_832_500), format_som(5_000_000), format_som(1_832_500)]
    for expected in (
        word, "Bogʻishamol koʻchasi", billed.flats[0].account_number, "Yunusobod Servis MChJ",
        *amounts,
    ):  # fmt: skip
        assert expected.replace("\u00a0", " ") in text.replace("\u00a0", " "), expected


def test_the_receipt_follows_the_readers_language(
    client: Client, cast: Cast, billed: Estate
) -> None:
    client.force_login(cast.users["owner"])
    url = f"/billing/apartments/{billed.flats[0].pk}/receipts/2026-12.pdf"
    client.cookies["django_language"] = "ru"
    assert client.get(url)["Content-Language"] == "ru"
    client.cookies["django_language"] = "en"  # no English receipt: Uzbek
    assert client.get(url)["Content-Language"] == "uz"


@pytest.mark.parametrize(
    ("tail", "status"),
    [("2026-12.pdf?lang=en", 400), ("2026-13.pdf", 400), ("26-12.pdf", 400), ("2026-09.pdf", 404)],
)
def test_a_bad_receipt_request_is_refused(
    client: Client, cast: Cast, billed: Estate, tail: str, status: int
) -> None:
    client.force_login(cast.users["owner"])
    response = client.get(f"/billing/apartments/{billed.flats[0].pk}/receipts/{tail}")
    assert response.status_code == status


def test_another_owners_receipt_is_a_404(client: Client, cast: Cast, billed: Estate) -> None:
    client.force_login(cast.users["neighbour"])
    assert (
        client.get(f"/billing/apartments/{billed.flats[0].pk}/receipts/2026-12.pdf").status_code
        == 404
    )
    assert client.get(f"/billing/apartments/{billed.flats[0].pk}/").status_code == 404


def test_an_old_receipt_never_asks_for_more_than_is_owed_today(settings: Any) -> None:
    from billing.receipts import receipt_amount

    settings.PAYMENT_MIN_TIYIN = 100_000
    assert receipt_amount(due_tiyin=1_832_500, balance_tiyin=8_665_000) == 1_832_500
    assert receipt_amount(due_tiyin=1_832_500, balance_tiyin=500_000) == 500_000  # paid since
    assert receipt_amount(due_tiyin=1_832_500, balance_tiyin=0) is None  # settled since
    assert receipt_amount(due_tiyin=1_832_500, balance_tiyin=-10_000) is None  # in credit
    assert receipt_amount(due_tiyin=50_000, balance_tiyin=8_665_000) == 100_000  # the minimum
    assert receipt_amount(due_tiyin=-5_000, balance_tiyin=8_665_000) is None
