from __future__ import annotations

from django.urls import path

from voting import views

app_name = "voting"
urlpatterns = [
    path("", views.my_votes, name="my_votes"),
    path("lots/<id:lot_pk>/open/", views.open_election, name="open"),
    path("elections/<id:pk>/", views.election_detail, name="election"),
    path("elections/<id:pk>/figures/", views.figures, name="figures"),
    path("elections/<id:pk>/board/", views.board, name="board"),
    path("elections/<id:pk>/protocol.pdf", views.protocol, name="protocol"),
    path("elections/<id:pk>/ballot/", views.cast_ballot, name="ballot"),
    path("elections/<id:pk>/apply/", views.apply, name="apply"),
    path("elections/<id:pk>/close/", views.close, name="close"),
    path("elections/<id:pk>/appoint/", views.appoint, name="appoint"),
]
