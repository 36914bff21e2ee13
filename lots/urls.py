from __future__ import annotations

from django.urls import path

from lots import views

app_name = "lots"
urlpatterns = [
    path("", views.lot_list, name="list"),
    path("council/", views.council, name="council"),
    path("<int:pk>/", views.lot_detail, name="detail"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/program/<int:item_pk>/", views.program_item, name="program_item"),
    path("<int:pk>/program/<int:item_pk>/amend/", views.program_amend, name="program_amend"),
    path(
        "<int:pk>/amendments/<int:amendment_pk>/decide/",
        views.amendment_decide,
        name="amendment_decide",
    ),
]
