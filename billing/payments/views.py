"""The providers' machine-to-machine endpoints (issue 10, points 4 and 5): no login, no
session, no CSRF; the caller is authenticated by Payme's key or Click's signature, and
every answer is HTTP 200 with the protocol's own error codes."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from billing.payments import click, guard, payme
from billing.payments import messages as m


def _json(reply: dict) -> JsonResponse:
    return JsonResponse(reply, status=200)


@csrf_exempt
def payme_endpoint(request: HttpRequest) -> JsonResponse:
    if guard.locked_out(request):
        return _json(payme.refused(request.body))
    reply = payme.handle(
        http_method=request.method or "",
        authorization=request.META.get("HTTP_AUTHORIZATION", ""),
        body=request.body,
    )
    if reply.get("error", {}).get("code") == m.INSUFFICIENT_PRIVILEGE:
        guard.failed(request)
    return _json(reply)


def _click(request: HttpRequest, action: int) -> JsonResponse:
    if request.method != "POST":
        return _json({"error": m.CLICK_BAD_REQUEST, "error_note": m.CLICK[m.CLICK_BAD_REQUEST]})
    if guard.locked_out(request):
        return _json(click.sign_refused(request.POST, action))
    handler = click.prepare if action == click.PREPARE else click.complete
    reply = handler(request.POST)
    if reply.get("error") == m.CLICK_SIGN_FAILED:
        guard.failed(request)
    return _json(reply)


@csrf_exempt
def click_prepare(request: HttpRequest) -> JsonResponse:
    return _click(request, click.PREPARE)


@csrf_exempt
def click_complete(request: HttpRequest) -> JsonResponse:
    return _click(request, click.COMPLETE)
