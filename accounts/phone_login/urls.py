"""Sign-in with an SMS code (accounts.phone_login), under /me/phone/."""

from __future__ import annotations

from django.urls import URLPattern, path

from accounts.phone_login import views

urlpatterns: list[URLPattern] = [
    path("", views.phone_request, name="phone-login"),
    path("code/", views.phone_code, name="phone-login-code"),
]
