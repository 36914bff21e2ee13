from __future__ import annotations

from django.urls import path

from lots import views

app_name = "lots"
urlpatterns = [
    path("", views.lot_list, name="list"),
    path("council/", views.council, name="council"),
    path("<id:pk>/", views.lot_detail, name="detail"),
    path("<id:pk>/propose/", views.propose, name="propose"),
    path("<id:pk>/decide/", views.decide, name="decide"),
    path("<id:pk>/move/", views.move, name="move"),
    path("<id:pk>/program/<id:item_pk>/", views.program_item, name="program_item"),
    path("<id:pk>/program/<id:item_pk>/amend/", views.program_amend, name="program_amend"),
    path(
        "<id:pk>/amendments/<id:amendment_pk>/decide/",
        views.amendment_decide,
        name="amendment_decide",
    ),
]
