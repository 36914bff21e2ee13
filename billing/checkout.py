"""Checkout links of the payment providers: what the Pay button opens and what the
receipt's QR code holds (DOMAIN.md "Billing": payments "keyed by the apartment's personal
account number"; issue 10 point 8: "a Pay button that builds the Payme and Click checkout
links").

- **Payme** (GET method of "Инициализация платежей"): ``<checkout>/<base64(params)>``, the
  parameters ``key=value`` joined by ``;``: ``m`` the merchant id, ``ac.account`` the
  personal account (the Account object's field that the Merchant API reads as
  ``params.account.account``), ``a`` the amount in **tiyin**, ``l`` the language (uz, ru,
  en), ``c`` the return URL.
- **Click** (the payment button): ``https://my.click.uz/services/pay?service_id=…&
  merchant_id=…&amount=…&transaction_param=…&return_url=…``, the amount in **so'm** (two
  decimals, as the SHOP API sends it back), ``transaction_param`` the personal account,
  which Click sends back as ``merchant_trans_id``.

The amount is the current debt unless the owner enters another; nothing is offered while
the apartment is in credit. Amounts outside PAYMENT_MIN_TIYIN…PAYMENT_MAX_TIYIN are refused
here as the providers' endpoints refuse them.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.money import TIYIN_PER_SOM, format_som

MSG_AMOUNT_FORMAT = _("Enter the amount in so'm, for example 150000 or 150000.50.")
MSG_AMOUNT_TOO_SMALL = _("The smallest payment is %(min)s.")
MSG_AMOUNT_TOO_LARGE = _("The largest payment is %(max)s.")

LANGUAGES = ("uz", "ru", "en")  # the checkout pages' languages
_AMOUNT = re.compile(r"([0-9]{1,15})(?:[.,]([0-9]{1,2}))?")


class AmountError(ValueError):
    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = str(message)


def amount_parse(text: str) -> int:
    """An amount an owner typed, in so'm (spaces allowed between thousands, a comma or a
    point before the tiyin), as tiyin within the payment limits; AmountError otherwise."""
    cleaned = re.sub(r"[\s\u00a0]", "", text or "")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise AmountError(MSG_AMOUNT_FORMAT)
    tiyin = int(match[1]) * TIYIN_PER_SOM + int((match[2] or "0").ljust(2, "0"))
    amount_check(tiyin)
    return tiyin


def amount_check(tiyin: int) -> int:
    if tiyin < settings.PAYMENT_MIN_TIYIN:
        raise AmountError(MSG_AMOUNT_TOO_SMALL % {"min": format_som(settings.PAYMENT_MIN_TIYIN)})
    if tiyin > settings.PAYMENT_MAX_TIYIN:
        raise AmountError(MSG_AMOUNT_TOO_LARGE % {"max": format_som(settings.PAYMENT_MAX_TIYIN)})
    return tiyin


def default_amount(balance_tiyin: int) -> int | None:
    """What the Pay button offers: the debt, raised to the smallest payment when the debt
    is below it (the providers refuse less); nothing while in credit or settled."""
    if balance_tiyin <= 0:
        return None
    return min(max(balance_tiyin, settings.PAYMENT_MIN_TIYIN), settings.PAYMENT_MAX_TIYIN)


def payme_url(*, account: str, amount_tiyin: int, language: str, return_url: str) -> str:
    """Payme's checkout link (GET method): the base64 of ``m=…;ac.account=…;a=…;l=…;c=…``.
    ``;`` separates the parameters, so the return URL has it (and ``=``) escaped."""
    lang = language if language in LANGUAGES else "uz"
    params = [
        f"m={settings.PAYME_MERCHANT_ID}",
        f"ac.account={account}",
        f"a={amount_tiyin}",
        f"l={lang}",
        f"c={quote(return_url, safe=':/?&')}",
    ]
    encoded = base64.b64encode(";".join(params).encode()).decode("ascii")
    return f"{settings.PAYME_CHECKOUT_URL}/{encoded}"


def click_url(*, account: str, amount_tiyin: int, return_url: str) -> str:
    """Click's payment link; the amount in so'm with two decimals."""
    som, tiyin = divmod(amount_tiyin, TIYIN_PER_SOM)
    query = urlencode(
        {
            "service_id": settings.CLICK_SERVICE_ID,
            "merchant_id": settings.CLICK_MERCHANT_ID,
            "amount": f"{som}.{tiyin:02d}",
            "transaction_param": account,
            "return_url": return_url,
        }
    )
    return f"{settings.CLICK_CHECKOUT_URL}?{query}"


@dataclass(frozen=True)
class PayLink:
    provider: str  # "payme" or "click"
    label: str
    url: str


def pay_links(*, account: str, amount_tiyin: int, language: str, return_url: str) -> list[PayLink]:
    """The links of the providers that are configured (none for an unset merchant id)."""
    links = []
    if settings.PAYME_MERCHANT_ID:
        url = payme_url(
            account=account, amount_tiyin=amount_tiyin, language=language, return_url=return_url
        )
        links.append(PayLink("payme", "Payme", url))
    if settings.CLICK_SERVICE_ID and settings.CLICK_MERCHANT_ID:
        url = click_url(account=account, amount_tiyin=amount_tiyin, return_url=return_url)
        links.append(PayLink("click", "Click", url))
    return links
