from __future__ import annotations

from django.urls import path

from voting import meeting_views, views

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
    path(
        "buildings/<id:building_pk>/meetings/",
        meeting_views.building_meetings,
        name="building_meetings",
    ),
    path("meetings/<id:pk>/", meeting_views.meeting_detail, name="meeting"),
    path("meetings/<id:pk>/figures/", meeting_views.meeting_figures, name="meeting_figures"),
    path("meetings/<id:pk>/sign/", meeting_views.sign, name="meeting_sign"),
    path("meetings/<id:pk>/comment/", meeting_views.comment, name="meeting_comment"),
    path("meetings/<id:pk>/ballot/", meeting_views.cast_ballot, name="meeting_ballot"),
    path("meetings/<id:pk>/close/", meeting_views.close, name="meeting_close"),
    path("meetings/<id:pk>/board/", meeting_views.board, name="meeting_board"),
    path("meetings/<id:pk>/protocol.pdf", meeting_views.protocol, name="meeting_protocol"),
]
