"""Pages of the SMS sign-in: the number (``accounts:phone-login``), then the code
(``accounts:phone-login-code``), then allauth's login."""

from __future__ import annotations

import ipaddress

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.login import perform_login, record_authentication
from allauth.account.models import Login
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.phone_login.forms import CodeForm, PhoneRequestForm
from accounts.phone_login.services import (
    GatewayDown,
    PhoneLoginError,
    login_code_confirm,
    login_code_issue,
)

SESSION_PHONE = "phone_login_phone"
SESSION_NEXT = "phone_login_next"
# The same words whether or not the number is on a registry record (neutral answer rule).
MSG_SENT = _(
    "If this number is on an owner's record in the registry, we have sent an SMS with a "
    "code to it. No SMS within a few minutes? The number may not be in the registry, or "
    "it is shared by several owners: log in with OneID, or ask the district housing "
    "inspection."
)


def _next_url(request: HttpRequest) -> str | None:
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _client_ip(request: HttpRequest) -> str | None:
    try:
        ip = str(get_adapter().get_client_ip(request))
        return str(ipaddress.ip_address(ip))
    except (PermissionDenied, ValueError):  # no address, or not one LoginCode.ip can hold
        return None


def masked(phone: str) -> str:
    """+998901234567 → "+998 90 ***-**-67": enough to recognise one's own number (with
    no-break spaces and hyphens, so that it stays on one line)."""
    if len(phone) != 13:
        return phone
    return f"{phone[:4]}\u00a0{phone[4:6]}\u00a0***\u2011**\u2011{phone[-2:]}"


@require_http_methods(["GET", "POST"])
def phone_request(request: HttpRequest) -> HttpResponse:
    """Step 1: the number. Every well-formed number gets the same redirect and message."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    next_url = _next_url(request)
    form = PhoneRequestForm(request.POST or None)
    context = {"form": form, "next": next_url or ""}
    if request.method == "GET":
        return render(request, "accounts/phone/request.html", context)
    if not form.is_valid():
        return render(request, "accounts/phone/request.html", context, status=400)
    phone = form.cleaned_data["phone"]
    if not ratelimit.consume(request, action="sms_code_request", key=phone):
        return ratelimit.respond_429(request)
    try:
        login_code_issue(phone=phone, ip=_client_ip(request))
    except GatewayDown as exc:
        form.add_error(None, exc.message)
        return render(request, "accounts/phone/request.html", context, status=503)
    request.session[SESSION_PHONE] = phone
    request.session[SESSION_NEXT] = next_url
    messages.info(request, MSG_SENT)
    return redirect("accounts:phone-login-code")


@require_http_methods(["GET", "POST"])
def phone_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code, for the number this session asked for; then allauth logs in."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    phone = request.session.get(SESSION_PHONE)
    if not isinstance(phone, str) or not phone:
        return redirect("accounts:phone-login")
    form = CodeForm(request.POST or None)
    context = {"form": form, "phone": masked(phone), "raw_phone": phone}
    if request.method == "GET":
        return render(request, "accounts/phone/code.html", context)
    if not ratelimit.consume(request, action="sms_code_confirm", key=phone):
        return ratelimit.respond_429(request)
    if not form.is_valid():
        return render(request, "accounts/phone/code.html", context, status=400)
    try:
        confirmed = login_code_confirm(phone=phone, code=form.cleaned_data["code"])
    except PhoneLoginError as exc:
        form.add_error("code", exc.message)
        return render(request, "accounts/phone/code.html", context, status=400)
    next_url = request.session.pop(SESSION_NEXT, None)
    request.session.pop(SESSION_PHONE, None)
    # allauth's own login: its stages (MFA for officials), signals, and Django's login,
    # which gives the session a new key.
    record_authentication(request, confirmed.user, method="code", phone=phone)
    return perform_login(request, Login(user=confirmed.user, redirect_url=next_url, phone=phone))
