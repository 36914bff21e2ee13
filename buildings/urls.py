from __future__ import annotations

from django.urls import path

from buildings import views

app_name = "buildings"
urlpatterns = [path("council/", views.council, name="council")]
