"""Pages of the accounts app: the home page per role and the profile."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import PhoneForm
from accounts.models import User
from accounts.services import user_phone_set


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required guarantees a real login
    form = PhoneForm(request.POST or None, user=user, initial={"phone": user.phone})
    if request.method == "POST":
        if form.is_valid():
            user_phone_set(user=user, phone=form.cleaned_data["phone"])
            messages.success(request, _("Your phone number was saved."))
            return redirect("accounts:profile")
        return render(request, "accounts/profile.html", {"form": form}, status=400)
    return render(request, "accounts/profile.html", {"form": form})
