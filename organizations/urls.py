from __future__ import annotations

from django.urls import path

from organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.register, name="register"),
    path("apply/", views.apply, name="apply"),
    path("<id:pk>/staff/", views.staff, name="staff"),
]
