"""OneID's own pages, under /me/oneid/ (namespace ``accounts``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from accounts.oneid import views

urlpatterns: list[URLPattern] = [
    path("unmatched/", views.unmatched, name="oneid-unmatched"),
]
