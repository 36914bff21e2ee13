from __future__ import annotations

from django.urls import include, path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    # issue 15: sign-in by SMS code, OneID's own pages, MFA and sessions, notification channels
    path("phone/", include("accounts.phone_login.urls")),
    path("oneid/", include("accounts.oneid.pages_urls")),
    path("security/", include("accounts.security.urls")),
    path("notifications/", include("accounts.notify_urls")),
]
