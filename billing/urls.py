"""Billing pages (mounted at /billing/)."""

from __future__ import annotations

from django.urls import path  # noqa: F401 (each capability adds its pages here)

app_name = "billing"
urlpatterns: list = []
