"""What accounts.security keeps in a session (one place, so nothing else guesses the keys)."""

from __future__ import annotations

# True once this session's login was seen to have a second factor (TOTP); read on every
# request of an official instead of a query.
MFA_ENROLLED = "security.mfa_enrolled"
# Epoch seconds of the session's last recorded activity (the officials' idle timeout).
LAST_SEEN = "security.last_seen"
