"""Billing pages (mounted at /billing/)."""

from __future__ import annotations

from django.urls import path

from billing import revenue_views, views

app_name = "billing"
urlpatterns = [
    path("", views.my_bills, name="my_bills"),
    path("apartments/<id:pk>/", views.apartment_bill, name="apartment"),
    path("apartments/<id:pk>/receipts/<str:period>.pdf", views.receipt, name="receipt"),
    path("lots/<id:pk>/tariffs/", views.tariffs, name="tariffs"),
    # additional revenue, lease contracts, their violations, the MCs' money by month
    path("revenue/", revenue_views.revenue_list, name="revenue"),
    path("revenue/<id:pk>/document/", revenue_views.revenue_document, name="revenue_document"),
    path("leases/", revenue_views.lease_list, name="leases"),
    path("leases/<id:pk>/", revenue_views.lease_detail, name="lease"),
    path("leases/<id:pk>/registration/", revenue_views.lease_registration, name="lease_register"),
    path("violations/", revenue_views.violations, name="violations"),
    path("inspection/months/", revenue_views.money_by_month, name="money_by_month"),
]
