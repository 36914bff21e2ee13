"""Pages of the accounts app: the profile, with the notification settings and the
Telegram link (issue 15), and the bot's webhook."""

from __future__ import annotations

import json
import logging
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts import notifications
from accounts.forms import NotificationPreferenceForm, PhoneForm
from accounts.models import User
from accounts.services import user_phone_set

log = logging.getLogger(__name__)


def _profile(
    request: HttpRequest,
    user: User,
    *,
    form: PhoneForm | None = None,
    notify_form: NotificationPreferenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form or PhoneForm(user=user, initial={"phone": user.phone}),
        "notify_form": notify_form or NotificationPreferenceForm(user=user),
        "telegram_offered": "telegram" in notifications.offered_channels(),
    }
    context["preference"] = context["notify_form"].preference
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required guarantees a real login
    if request.method == "POST":
        form = PhoneForm(request.POST, user=user, initial={"phone": user.phone})
        if form.is_valid():
            user_phone_set(user=user, phone=form.cleaned_data["phone"])
            messages.success(request, _("Your phone number was saved."))
            return redirect("accounts:profile")
        return _profile(request, user, form=form, status=400)
    return _profile(request, user)


@login_required
@require_POST
def notify_settings(request: HttpRequest) -> HttpResponse:
    """The channels and the language of messages, from the profile's form."""
    user = cast(User, request.user)
    form = NotificationPreferenceForm(request.POST, user=user)
    if not form.is_valid():
        return _profile(request, user, notify_form=form, status=400)
    notifications.preference_set(
        user=user, channels=form.cleaned_data["channels"], language=form.cleaned_data["language"]
    )
    messages.success(request, _("Your notification settings were saved."))
    return redirect("accounts:profile")


@login_required
@require_POST
@never_cache
def telegram_link(request: HttpRequest) -> HttpResponse:
    """A one-time code and the bot's deep link; shown once (only its hash is kept)."""
    if "telegram" not in notifications.offered_channels():
        raise Http404
    code, expires_at = notifications.telegram_code_create(user=cast(User, request.user))
    context = {"deep_link": notifications.telegram_deep_link(code), "expires_at": expires_at}
    return render(request, "accounts/notify/telegram_link.html", context)


@login_required
@require_POST
def telegram_unlink(request: HttpRequest) -> HttpResponse:
    if notifications.telegram_unlink(user=cast(User, request.user), tell=True) is not None:
        messages.success(request, _("Telegram is unlinked."))
    return redirect("accounts:profile")


@csrf_exempt
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    """The bot's updates, posted by Telegram with our secret in a header (setWebhook's
    ``secret_token``). No secret configured: 404; a wrong one: 403 and nothing read; a
    right one: 200 at once, whatever the update (Telegram would redeliver anything
    else), the replies sent by a task."""
    secret = str(settings.TELEGRAM_WEBHOOK_SECRET)
    if not secret:
        raise Http404
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not constant_time_compare(given, secret):
        return HttpResponseForbidden()
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    try:
        update = json.loads(request.body)
    except ValueError:
        log.warning("telegram webhook: a body that is not JSON")
        return HttpResponse(status=200)
    outcome = notifications.telegram_update_handle(update)
    update_id = update.get("update_id") if isinstance(update, dict) else None
    log.info("telegram webhook: update %s: %s", update_id, outcome)
    return HttpResponse(status=200)
