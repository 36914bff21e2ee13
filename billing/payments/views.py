"""The providers' machine-to-machine endpoints (issue 10, points 4 and 5): no login, no
session, no CSRF; the caller is authenticated by Payme's key or Click's signature, and
every answer is HTTP 200 with the protocol's own error codes."""

from __future__ import annotations

from allauth.core import ratelimit
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from billing.payments import click, payme
from billing.payments import messages as m

# Brute force on the providers' credentials (issue 13, point 6). A wrong Payme key or a
# wrong Click signature is counted per client IP by allauth's rate limiter, the one the
# login uses (ACCOUNT_RATE_LIMITS["payment_auth_failed"], PAYMENT_AUTH_FAILED_RATE_LIMIT).
# Past the limit the endpoint answers the protocol's own refusal (-32504, -1) without
# looking at the credentials, so guessing goes nowhere; the answer stays HTTP 200 as both
# protocols require. The providers' own servers send the right key and are not counted.
AUTH_FAILED = "payment_auth_failed"


def _locked_out(request: HttpRequest) -> bool:
    return not ratelimit.consume(request, action=AUTH_FAILED, dry_run=True)


def _failed(request: HttpRequest) -> None:
    ratelimit.consume(request, action=AUTH_FAILED)


def _json(reply: dict) -> JsonResponse:
    return JsonResponse(reply, status=200)


@csrf_exempt
def payme_endpoint(request: HttpRequest) -> JsonResponse:
    if _locked_out(request):
        return _json(payme.refused(request.body))
    reply = payme.handle(
        http_method=request.method or "",
        authorization=request.META.get("HTTP_AUTHORIZATION", ""),
        body=request.body,
    )
    if reply.get("error", {}).get("code") == m.INSUFFICIENT_PRIVILEGE:
        _failed(request)
    return _json(reply)


def _click(request: HttpRequest, action: int) -> JsonResponse:
    if request.method != "POST":
        return _json({"error": m.CLICK_BAD_REQUEST, "error_note": m.CLICK[m.CLICK_BAD_REQUEST]})
    if _locked_out(request):
        return _json(click.sign_refused(request.POST, action))
    handler = click.prepare if action == click.PREPARE else click.complete
    reply = handler(request.POST)
    if reply.get("error") == m.CLICK_SIGN_FAILED:
        _failed(request)
    return _json(reply)


@csrf_exempt
def click_prepare(request: HttpRequest) -> JsonResponse:
    return _click(request, click.PREPARE)


@csrf_exempt
def click_complete(request: HttpRequest) -> JsonResponse:
    return _click(request, click.COMPLETE)
