"""``python -m accounts.security [SECRET]``: the current TOTP code of a base32 secret
(RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the demo officials' by default, for
logging in to `make run`'s demo without an authenticator app."""

from __future__ import annotations

import sys

from accounts.security.totp import DEMO_TOTP_SECRET, code

if __name__ == "__main__":
    print(code(sys.argv[1] if len(sys.argv) > 1 else DEMO_TOTP_SECRET))
