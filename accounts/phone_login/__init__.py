"""Sign-in with an SMS one-time code, for owners known to the registry (issue 15).

Owners imported from Turar-Joy have a ``Person`` (often with a phone) and no login. They
enter their number (``/me/phone/``), get a 6-digit code by SMS, enter it
(``/me/phone/code/``) and are logged in.

**Why our own flow and not allauth's login by code.** allauth's login-by-code keeps the
code in plaintext in the session and needs an existing login before it sends anything.
We keep only an HMAC of the code (``LoginCode.code_hash``, SECRET_KEY-keyed, with the
phone) and create a login only when the code is confirmed. So the flow is ours, but it
logs in through allauth (``allauth.account.internal.flows.login.perform_login`` with an
``allauth.account.models.Login``: its stages such as MFA, its signals, Django's login,
which rotates the session key), counts with allauth's rate limits
(``allauth.core.ratelimit``: actions ``sms_code_request`` and ``sms_code_confirm`` in
``ACCOUNT_RATE_LIMITS``, per phone and per client address, answering the 429 page), and
reads the number through the adapter's phone handling (``AccountAdapter.clean_phone``).

Rules:

- The number must be the one on the owner's ``Person`` record (``Person.phone``; a
  login's own ``User.phone`` does not count). The Person's login signs in; a Person
  without one gets ``User(phone=…, email=None)``, without a password, linked to it, and a
  ``LoginLink`` (reason "SMS code", by the new login), in one transaction with the code's
  use.
- **Neutral answer**: a well-formed number always gets the same redirect, message and
  status, and a ``LoginCode`` row; the SMS goes only when exactly one Person holds the
  number. Unknown numbers get a row with ``person=None`` and no SMS.
- **A number shared by several Persons** (a family phone on several owners' records)
  cannot say who is signing in: it is treated as unknown (no SMS, the neutral answer),
  and the neutral message tells them to log in with OneID or ask the district housing
  inspection.
- **Codes**: 6 digits, valid ``SMS_CODE_TTL_SECONDS`` (valid before the expiry instant,
  not at it), at most ``SMS_CODE_MAX_ATTEMPTS`` wrong tries, used once, compared in
  constant time; a new code for a number supersedes the older ones (they expire now).
  The code page only works in the session that asked for the code.
- **Bad input**: a malformed number or code, a wrong, expired or used code and too many
  tries answer 400 with the form and a message; the rate limits 429.
- **Gateway down** answers **503** with the number form and a message (the request can be
  repeated, and monitoring sees the 503s). Nothing is written: the SMS is sent before the
  row, outside a transaction, so that a slow gateway holds no database lock, and the
  previous code stays valid. Because only known numbers reach the gateway, a failure
  would tell them apart; so for ``SMS_GATEWAY_DOWN_SECONDS`` after a failure every request,
  known number or not, gets the same 503 without trying the gateway.
- **Not hidden**: the time of the answer. A known number waits for the gateway's answer
  (so that the user learns when it is down), an unknown one does not; the rate limits
  bound how many numbers an address or a number can probe.
"""
