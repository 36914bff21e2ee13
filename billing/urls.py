"""Billing pages (mounted at /billing/)."""

from __future__ import annotations

from django.urls import path

from billing import report_views, revenue_views, views

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
    # quarterly reports: deadlines, a lot's report of a quarter, its forms, PDF, documents
    path("reports/", report_views.reports, name="reports"),
    path("lots/<id:pk>/reports/<str:quarter>/", report_views.report, name="report"),
    path("reports/<id:pk>/expenses/", report_views.report_expenses, name="report_expenses"),
    path("reports/<id:pk>/works/", report_views.report_works, name="report_works"),
    path("reports/<id:pk>/submit/", report_views.report_submit_view, name="report_submit"),
    path("reports/<id:pk>.pdf", report_views.report_pdf, name="report_pdf"),
    path(
        "reports/works/<id:pk>/document/",
        report_views.report_work_document,
        name="report_work_document",
    ),
]
