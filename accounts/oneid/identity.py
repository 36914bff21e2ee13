"""What OneID's identity answer means to us: the checks, and the few fields we keep."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.validators import PINFL_RE, normalize_phone

MSG_NO_PINFL = _(
    "OneID did not send a valid PINFL (14 digits), so we cannot find you in the registry. "
    "Please try again later."
)
MSG_NOT_VERIFIED = _(
    "Your OneID account is not verified yet. Confirm your identity in OneID (at a public "
    "services centre or with your ID card), then sign in again."
)

# The fields of OneID's answer kept on the SocialAccount: who the citizen is and how to
# reach them. Passport, address, birth place and tax ids are not kept (not needed here).
KEPT = (
    "pin",
    "user_id",
    "sur_name",
    "first_name",
    "mid_name",
    "full_name",
    "mob_phone_no",
    "user_type",
    "valid",
    "auth_method",
)


def is_true(value: Any) -> bool:
    """OneID sends flags as the strings "true"/"false"."""
    return value is True or str(value).strip().lower() == "true"


def identity_check(data: Any) -> str | None:
    """The citizen-facing reason this identity cannot sign in, or None."""
    if not isinstance(data, dict) or not PINFL_RE.match(str(data.get("pin") or "")):
        return str(MSG_NO_PINFL)
    if not is_true(data.get("valid")):
        return str(MSG_NOT_VERIFIED)
    return None


def kept_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in KEPT if key in data}


def full_name(data: dict[str, Any]) -> str:
    name = str(data.get("full_name") or "").strip()
    if name:
        return name
    parts = (data.get("sur_name"), data.get("first_name"), data.get("mid_name"))
    return " ".join(str(p).strip() for p in parts if p and str(p).strip())


def phone(data: dict[str, Any]) -> str:
    """OneID's mobile number as +998XXXXXXXXX, or "" when it sends none we can read."""
    raw = str(data.get("mob_phone_no") or "").strip()
    return normalize_phone(raw) if raw else ""


def oneid_details(data: dict[str, Any]) -> dict[str, str]:
    """For the pages: the name and phone OneID gave, and the PINFL."""
    return {"full_name": full_name(data), "phone": phone(data), "pinfl": str(data.get("pin", ""))}
