"""The revenue page (issue 10 point 9): the MC's list and form, mobile first; a bad form
answers 400 with its errors and writes nothing; the document downloads to those who see
the record."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from billing.documents import MSG_TYPE
from billing.models import AdditionalRevenue
from billing.revenue import (
    MSG_IN_THE_FUTURE,
    MSG_LEASE_NEEDS_CONTRACT,
    MSG_NOT_POSITIVE,
    revenue_record,
)
from billing.revenue_forms import MSG_SOM
from core.money import format_som
from lots.models import Lot
from mening_uyim.demo import Cast
from tests.billing.revenue_world import PDF, pdf, sa_lot, tk_lot
from tests.billing.test_revenue import TODAY, _nothing_written, _record

pytestmark = pytest.mark.django_db


def _form(c: Cast, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "lot": str(tk_lot(c).pk),
        "kind": "service_centre",
        "counterparty": "Sartaroshxona «Zulfiya»",
        "counterparty_tin": "",
        "amount": "2 500 000",
        "received_on": f"{timezone.localdate():%Y-%m-%d}",
        "document": pdf(),
        "note": "",
    }
    data.update(overrides)
    return data


def test_the_form_records_revenue_and_the_list_shows_it(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["mc_director"])
    response = client.post("/billing/revenue/", _form(cast))
    assert response.status_code == 302
    revenue = AdditionalRevenue.objects.get()
    assert revenue.amount_tiyin == 2_500_000_00
    page = html.unescape(client.get("/billing/revenue/").content.decode())
    assert "Sartaroshxona «Zulfiya»" in page
    assert format_som(2_500_000_00) in page
    assert f"#{revenue.transaction_id}" in page
    assert f'id="ledger-total">{format_som(2_500_000_00)}' in page
    download = client.get(f"/billing/revenue/{revenue.pk}/document/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "12,345"}, MSG_SOM),
        ({"amount": "-5"}, None),
        ({"amount": "0"}, MSG_NOT_POSITIVE),
        ({"counterparty": ""}, None),
        ({"counterparty_tin": "12345"}, None),
        ({"received_on": "2026-13-01"}, None),
        ({"received_on": "2099-01-01"}, MSG_IN_THE_FUTURE),
        ({"kind": "lease"}, MSG_LEASE_NEEDS_CONTRACT),
        ({"kind": "salary"}, None),
        ({"document": SimpleUploadedFile("akt.pdf", b"MZ" + b"\x00" * 20)}, MSG_TYPE),
        ({"document": ""}, None),
        ({"lot": "999999"}, None),
    ],
)
def test_a_bad_form_answers_400_names_the_error_and_writes_nothing(
    client: Client, cast: Cast, overrides: dict[str, Any], message: Any
) -> None:
    client.force_login(cast.users["mc_director"])
    response = client.post("/billing/revenue/", _form(cast, **overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors
    if message is not None:
        assert str(message) in html.unescape(response.content.decode())
    _nothing_written()


def test_an_empty_post_shows_every_required_field(client: Client, cast: Cast) -> None:
    tk_lot(cast)
    client.force_login(cast.users["mc_dispatcher"])
    response = client.post("/billing/revenue/", {})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {
        "counterparty",
        "amount",
        "received_on",
        "document",
    }
    _nothing_written()


def test_the_list_shows_only_the_lots_revenue_a_login_sees(client: Client, cast: Cast) -> None:
    mine = _record(cast)
    theirs = revenue_record(
        lot=sa_lot(cast),
        kind="other",
        counterparty="Samarqand reklama",
        amount_tiyin=9_900_00,
        received_on=dt.date(2026, 11, 2),
        document=pdf(),
        by=cast.users["rival_mc"],
        today=TODAY,
    )
    for key, seen in (
        ("mc_director", {mine.pk}),
        ("council", {mine.pk}),
        ("inspector", {mine.pk}),
        ("rival_mc", {theirs.pk}),
        ("other_inspector", {theirs.pk}),
        ("other_council", set()),
    ):
        client.force_login(cast.users[key])
        page = client.get("/billing/revenue/")
        assert {r.pk for r in page.context["page"].object_list} == seen, key
        assert (page.context["form"] is not None) == (key in ("mc_director", "rival_mc")), key


def test_the_list_keeps_its_queries_as_revenue_grows(
    client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client.force_login(cast.users["mc_director"])
    _record(cast)
    with django_assert_max_num_queries(14) as first:
        client.get("/billing/revenue/")
    for _ in range(5):
        _record(cast)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/billing/revenue/")


def test_an_mc_does_not_read_its_predecessors_revenue(client: Client, cast: Cast) -> None:
    """After a re-election the lot's new MC manages it; the income its predecessor
    declared stays the predecessor's (and the lot's council's and inspectors')."""
    mine = _record(cast)
    Lot.objects.filter(pk=mine.lot_id).update(manager=cast.rival_mc)
    for key, seen in (("rival_mc", set()), ("mc_director", {mine.pk}), ("council", {mine.pk})):
        client.force_login(cast.users[key])
        page = client.get("/billing/revenue/")
        assert {r.pk for r in page.context["page"].object_list} == seen, key
    client.force_login(cast.users["rival_mc"])
    assert client.get(f"/billing/revenue/{mine.pk}/document/").status_code == 404
