"""Billing pages (mounted at /billing/)."""

from __future__ import annotations

from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("", views.my_bills, name="my_bills"),
    path("apartments/<id:pk>/", views.apartment_bill, name="apartment"),
    path("apartments/<id:pk>/receipts/<str:period>.pdf", views.receipt, name="receipt"),
    path("lots/<id:pk>/tariffs/", views.tariffs, name="tariffs"),
]
