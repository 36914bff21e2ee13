"""RFC 6238 codes (HMAC-SHA1, 30-second steps, 6 digits, allauth.mfa's defaults), for the
demo's officials: `make run`'s inspector, council, directors and administrator are enrolled
with ``DEMO_TOTP_SECRET`` (mening_uyim.demo), and ``python -m accounts.security`` prints
its current code. The site itself checks codes with allauth's own implementation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

DEMO_TOTP_SECRET = "MENINGUYIMDEMOTOTPSECRET22222222"  # noqa: S105 # nosec B105 # the demo's, public


def code(secret: str, at: float | None = None) -> str:
    key = base64.b32decode(secret.upper(), casefold=True)
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
