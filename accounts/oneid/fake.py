"""An embedded stand-in of OneID (sso.egov.uz), for development, the demo and the tests.

Mounted at /fake-oneid/ by mening_uyim/urls.py only when ``ONEID_FAKE`` is on (never in
production), so ``ONEID_BASE_URL=/fake-oneid`` (or http://host/fake-oneid) works. It
speaks OneID's protocol (accounts/oneid/client.py) at ``/sso/oauth/Authorization.do``:

- GET with ``response_type=one_code``: the consent page; the citizen enters (or picks
  from the registry) a PINFL, a name and a phone, and allows or denies. Allow redirects to
  ``redirect_uri`` with ``code`` and ``state``; deny with OAuth2's ``error=access_denied``,
  ``error_description`` and ``state``;
- POST ``grant_type=one_authorization_code``: a code is good once, for
  ``ONEID_FAKE_CODE_TTL_SECONDS``, for the client and redirect_uri it was issued to;
  otherwise ``invalid_grant`` (400). Wrong client credentials: ``invalid_client`` (401);
- POST ``grant_type=one_access_token_identify``: the identity, in OneID's field names.

The registered client is the site's own (ONEID_CLIENT_ID / ONEID_CLIENT_SECRET). Codes
and tokens are signed (they carry the identity), their age is read from
``django.utils.timezone.now`` (so a test freezes it), and the "used" marks live in the
cache: one process, or Redis, sees every reuse.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Person
from accounts.validators import PINFL_RE

CODE_SALT = "accounts.oneid.fake.code"
TOKEN_SALT = "accounts.oneid.fake.token"  # noqa: S105 # a signing salt, no secret
TOKEN_TTL_SECONDS = 3600
OAUTH_PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "state")
SUGGESTED = 12  # registry people offered on the consent page


def _ttl() -> int:
    return int(getattr(settings, "ONEID_FAKE_CODE_TTL_SECONDS", 60))


def _now() -> float:
    return timezone.now().timestamp()


def _error(error: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


def _client_ok(client_id: str, client_secret: str | None = None) -> bool:
    if not settings.ONEID_CLIENT_ID or client_id != settings.ONEID_CLIENT_ID:
        return False
    if client_secret is None:
        return True
    return hmac.compare_digest(client_secret.encode(), settings.ONEID_CLIENT_SECRET.encode())


def _redirect_ok(request: HttpRequest, uri: str) -> bool:
    """A redirect_uri back to this site only (the fake has no client registry)."""
    return urlsplit(uri).scheme in ("http", "https") and url_has_allowed_host_and_scheme(
        uri, allowed_hosts={request.get_host()}
    )


def _back(uri: str, **params: str) -> HttpResponseRedirect:
    sep = "&" if urlsplit(uri).query else "?"
    return HttpResponseRedirect(uri + sep + urlencode({k: v for k, v in params.items() if v}))


class ConsentForm(forms.Form):
    pin = forms.CharField(label=_("PINFL"), max_length=14, min_length=14)
    sur_name = forms.CharField(label=_("Surname"), max_length=100, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    mid_name = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    mob_phone_no = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^998[0-9]{9}$",
        required=False,
        help_text=_("998XXXXXXXXX, as OneID sends it"),
    )
    valid = forms.BooleanField(label=_("Identity verified in OneID"), required=False, initial=True)

    def clean_pin(self) -> str:
        pin = self.cleaned_data["pin"].strip()
        if not PINFL_RE.match(pin):
            raise forms.ValidationError(_("PINFL must be exactly 14 digits."))
        return pin


def _initial(pick: str) -> dict[str, Any]:
    person = Person.objects.filter(pinfl=pick).first() if PINFL_RE.match(pick) else None
    if person is None:
        return {"valid": True}
    first, _sep, rest = person.full_name.partition(" ")
    return {
        "pin": person.pinfl,
        "first_name": first,
        "sur_name": rest,
        "mob_phone_no": person.phone.lstrip("+"),
        "valid": True,
    }


def _oauth(source: QueryDict) -> dict[str, str]:
    return {name: source.get(name, "") for name in OAUTH_PARAMS}


def _consent_page(
    request: HttpRequest, oauth: dict[str, str], form: ConsentForm, status: int = 200
) -> HttpResponse:
    suggested = [
        (p, urlencode({**oauth, "pick": p.pinfl}))
        for p in Person.objects.order_by("pinfl")[:SUGGESTED]
    ]
    context = {"oauth": oauth, "form": form, "suggested": suggested}
    return render(request, "oneid/fake_consent.html", context, status=status)


def _refuse_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "oneid/fake_error.html", {"message": message}, status=400)


def _authorize(request: HttpRequest) -> HttpResponse:
    oauth = _oauth(request.GET)
    if not _client_ok(oauth["client_id"]):
        return _refuse_page(request, str(_("Unknown client_id.")))
    if not _redirect_ok(request, oauth["redirect_uri"]):
        return _refuse_page(request, str(_("The redirect_uri is not registered for this client.")))
    if oauth["response_type"] != "one_code":
        return _back(
            oauth["redirect_uri"],
            error="unsupported_response_type",
            error_description="response_type must be one_code",
            state=oauth["state"],
        )
    form = ConsentForm(initial=_initial(request.GET.get("pick", "")))
    return _consent_page(request, oauth, form)


@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    """The citizen's answer on the consent page."""
    oauth = _oauth(request.POST)
    if not _client_ok(oauth["client_id"]) or not _redirect_ok(request, oauth["redirect_uri"]):
        return _refuse_page(request, str(_("Unknown client_id or redirect_uri.")))
    if request.POST.get("decision") != "allow":
        return _back(
            oauth["redirect_uri"],
            error="access_denied",
            error_description="The user denied access",
            state=oauth["state"],
        )
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _consent_page(request, oauth, form, status=400)
    identity = form.cleaned_data
    payload = {
        "c": oauth["client_id"],
        "r": oauth["redirect_uri"],
        "s": oauth["scope"],
        "t": _now(),
        "n": secrets.token_hex(8),
        "i": {k: identity[k] for k in ConsentForm.base_fields},
    }
    code = signing.dumps(payload, salt=CODE_SALT, compress=True)
    return _back(oauth["redirect_uri"], code=code, state=oauth["state"])


def _exchange(data: QueryDict) -> JsonResponse:
    code = data.get("code", "")
    if not code or not data.get("redirect_uri"):
        return _error("invalid_request", "code and redirect_uri are required")
    try:
        payload = signing.loads(code, salt=CODE_SALT)
    except signing.BadSignature:
        return _error("invalid_grant", "The authorization code is invalid")
    if _now() - float(payload["t"]) > _ttl():
        return _error("invalid_grant", "The authorization code has expired")
    if payload["c"] != data.get("client_id") or payload["r"] != data.get("redirect_uri"):
        return _error("invalid_grant", "The code was issued to another client or redirect_uri")
    used = "fake-oneid:used:" + hashlib.sha256(code.encode()).hexdigest()
    if not cache.add(used, 1, timeout=_ttl() + 600):
        return _error("invalid_grant", "The authorization code has already been used")
    token = signing.dumps(
        {"c": payload["c"], "s": payload["s"], "t": _now(), "n": payload["n"], "i": payload["i"]},
        salt=TOKEN_SALT,
        compress=True,
    )
    return JsonResponse(
        {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_TTL_SECONDS,
            "refresh_token": secrets.token_urlsafe(24),
            "scope": payload["s"],
        }
    )


def _identify(data: QueryDict) -> JsonResponse:
    try:
        payload = signing.loads(data.get("access_token", ""), salt=TOKEN_SALT)
    except signing.BadSignature:
        return _error("invalid_token", "The access token is invalid", status=401)
    if _now() - float(payload["t"]) > TOKEN_TTL_SECONDS or payload["c"] != data.get("client_id"):
        return _error("invalid_token", "The access token has expired", status=401)
    i = payload["i"]
    names = (i.get("sur_name", ""), i.get("first_name", ""), i.get("mid_name", ""))
    return JsonResponse(
        {
            "valid": "true" if i.get("valid") else "false",
            "pin": i["pin"],
            "user_id": f"citizen{i['pin'][-6:]}",
            "sur_name": names[0],
            "first_name": names[1],
            "mid_name": names[2],
            "full_name": " ".join(n for n in names if n),
            "mob_phone_no": i.get("mob_phone_no", ""),
            "email": "",
            "user_type": "I",
            "sess_id": payload["n"],
            "ret_cd": "0",
            "auth_method": "LOGINPASSMETHOD",
            "legal_info": [],
        }
    )


def _grant(request: HttpRequest) -> JsonResponse:
    # OneID reads its parameters from the form body (some clients send them in the query)
    data = request.POST.copy()
    for key, values in request.GET.lists():
        if key not in data:
            data.setlist(key, values)
    if not _client_ok(data.get("client_id", ""), data.get("client_secret", "")):
        return _error("invalid_client", "Client authentication failed", status=401)
    grant = data.get("grant_type", "")
    if grant == "one_authorization_code":
        return _exchange(data)
    if grant == "one_access_token_identify":
        return _identify(data)
    return _error("unsupported_grant_type", "Unsupported grant_type")


@csrf_exempt  # the machine calls (token, identity) come from the client's server
@require_http_methods(["GET", "POST"])
def authorization(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _grant(request)
    return _authorize(request)
