"""The embedded OneID stand-in's routes (namespace ``fake_oneid``), mounted at
/fake-oneid/ only when ONEID_FAKE is on."""

from __future__ import annotations

from django.urls import URLPattern, path

from accounts.oneid import fake

app_name = "fake_oneid"
urlpatterns: list[URLPattern] = [
    path("sso/oauth/Authorization.do", fake.authorization, name="authorization"),
    path("sso/oauth/consent/", fake.consent, name="consent"),
]
