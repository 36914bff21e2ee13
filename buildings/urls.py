from __future__ import annotations

from django.urls import path

from buildings import views

app_name = "buildings"
urlpatterns = [
    path("my-apartments/", views.my_apartments, name="my_apartments"),
    path("buildings/", views.building_list, name="building_list"),
    path("buildings/<id:pk>/", views.building_detail, name="building_detail"),
    path("districts/", views.district_options, name="district_options"),
    path("map/", views.building_map, name="map"),
    path("map/points.json", views.map_points, name="map_points"),
]
