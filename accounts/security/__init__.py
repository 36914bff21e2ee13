"""Second factors and sessions of officials (issue 15, part 3).

- ``rules``: who must use two-factor authentication (and whose sessions expire when idle);
- ``middleware``: the two rules enforced on every request, at almost no cost per request;
- ``services``: an administrator's MFA reset (a lost device), and TOTP enrolment for the demo;
- ``receivers``: what a login and a change of authenticators remember in the session;
- ``adapter``: allauth.mfa's adapter (an official cannot switch their own MFA off).

Run ``python -m accounts.security SECRET`` to print the current code of a TOTP secret
(the demo's, by default).
"""
