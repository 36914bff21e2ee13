"""Checkout links (billing.checkout): Payme's base64 GET parameters, Click's query, the
amounts an owner may enter and the default amount."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from billing.checkout import (
    AmountError,
    amount_parse,
    click_url,
    default_amount,
    pay_links,
    payme_url,
)


def test_payme_link_is_base64_of_the_semicolon_parameters(settings: Any) -> None:
    settings.PAYME_MERCHANT_ID = "587f72c72cac0d162c722ae2"
    url = payme_url(
        account="000000100123",
        amount_tiyin=8_665_000,
        language="ru",
        return_url="https://mu.uz/billing/apartments/5/?a=1;b=2",
    )
    base, encoded = url.rsplit("/", 1)
    assert base == "https://checkout.paycom.uz"
    assert base64.b64decode(encoded).decode() == (
        "m=587f72c72cac0d162c722ae2;ac.account=000000100123;a=8665000;l=ru;"
        "c=https://mu.uz/billing/apartments/5/?a%3D1%3Bb%3D2"
    )


def test_payme_documented_example_is_reproduced(settings: Any) -> None:
    """Payme's own example (m, ac.order_id, a=500) encodes to the documented URL; ours
    differs only in the account field's name and the language and return parameters."""
    expected = "bT01ODdmNzJjNzJjYWMwZDE2MmM3MjJhZTI7YWMub3JkZXJfaWQ9MTk3O2E9NTAw"
    assert base64.b64encode(b"m=587f72c72cac0d162c722ae2;ac.order_id=197;a=500").decode() == (
        expected
    )


def test_an_unknown_language_falls_back_to_uzbek() -> None:
    url = payme_url(account="1", amount_tiyin=100_000, language="de", return_url="https://x/")
    assert ";l=uz;" in base64.b64decode(url.rsplit("/", 1)[1]).decode()


def test_click_link_has_the_amount_in_som(settings: Any) -> None:
    settings.CLICK_SERVICE_ID, settings.CLICK_MERCHANT_ID = "36", "46"
    url = click_url(account="000000100123", amount_tiyin=15_000_050, return_url="https://x/b/")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://my.click.uz/services/pay"
    assert parse_qs(parts.query) == {
        "service_id": ["36"],
        "merchant_id": ["46"],
        "amount": ["150000.50"],
        "transaction_param": ["000000100123"],
        "return_url": ["https://x/b/"],
    }


def test_only_configured_providers_are_offered(settings: Any) -> None:
    settings.CLICK_MERCHANT_ID = ""
    links = pay_links(account="1", amount_tiyin=100_000, language="uz", return_url="https://x/")
    assert [link.provider for link in links] == ["payme"]
    settings.PAYME_MERCHANT_ID = ""
    assert pay_links(account="1", amount_tiyin=100_000, language="uz", return_url="x") == []


@pytest.mark.parametrize(
    ("text", "tiyin"),
    [("1000", 100_000), ("150 000", 15_000_000), ("150\u00a0000,5", 15_000_050),
     ("86650.05", 8_665_005), (" 2000 ", 200_000)],
)  # fmt: skip
def test_amounts_in_som_are_read_as_tiyin(text: str, tiyin: int) -> None:
    assert amount_parse(text) == tiyin


@pytest.mark.parametrize(
    "text", ["", "abc", "-1000", "1e5", "1000.001", "١٠٠٠", "999.99", "1000000001"]
)
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(AmountError):
        amount_parse(text)


def test_the_limits_come_from_settings(settings: Any) -> None:
    settings.PAYMENT_MIN_TIYIN = 500_000
    with pytest.raises(AmountError):
        amount_parse("4999")
    assert amount_parse("5000") == 500_000


@pytest.mark.parametrize(
    ("balance", "offered"),
    [(8_665_000, 8_665_000), (50_000, 100_000), (0, None), (-1_000_000, None)],
)
def test_the_default_amount_is_the_debt(balance: int, offered: int | None) -> None:
    assert default_amount(balance) == offered
