"""Dispatch pages (mounted at /dispatch/)."""

from __future__ import annotations

from django.urls import path

from dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.home, name="home"),
    path("calls/", views.call, name="call"),
    path("queue/rows/", views.queue_rows, name="queue_rows"),
    path("tickets/<id:pk>/", views.ticket, name="ticket"),
    path("tickets/<id:pk>/<str:action>/", views.ticket_action, name="ticket_action"),
    path("tickets/<id:pk>/photos/<id:photo>/", views.ticket_photo, name="ticket_photo"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<id:pk>/", views.appeal, name="appeal"),
]
