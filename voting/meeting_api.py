"""General meetings API, scoped like the pages (voting.meeting_selectors): meetings with
their agenda and (once closed, or where interim results are public) results, casting a
ballot, the board and my receipts."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import roles_of
from buildings.models import Apartment
from core.ids import MAX_ID
from voting import meeting_selectors as selectors
from voting.meeting_tally import MeetingTally
from voting.meetings import MSG_NOT_YOUR_APARTMENT, MeetingError, meeting_ballot_cast
from voting.models import Choice, Decision, Meeting, MeetingBallot, MeetingStatus, Question


class QuestionOut(serializers.ModelSerializer[Question]):
    class Meta:
        model = Question
        fields = ["id", "order", "text", "kind", "rule"]


class DecisionOut(serializers.ModelSerializer[Decision]):
    question = serializers.IntegerField(source="question_id")

    class Meta:
        model = Decision
        fields = ["uid", "question", "kind", "rule", "passed", "decided_at"]


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    building = serializers.IntegerField(source="building_id")
    address = serializers.CharField(source="building.address")
    phase = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "building",
            "address",
            "initiator",
            "status",
            "phase",
            "created_at",
            "opened_at",
            "discussion_ends_at",
            "voting_ends_at",
            "closed_at",
            "head_hash",
        ]

    def get_phase(self, meeting: Meeting) -> str:
        return selectors.meeting_phase(meeting)


class MeetingDetailSerializer(MeetingSerializer):
    questions = QuestionOut(many=True, read_only=True)
    decisions = DecisionOut(many=True, read_only=True)
    result = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "questions", "decisions", "result"]

    def get_result(self, meeting: Meeting) -> dict[str, Any] | None:
        """The published result once closed; the live count only where interim results
        are public."""
        if meeting.status == MeetingStatus.CLOSED:
            return meeting.result
        if meeting.status == MeetingStatus.OPEN and selectors.meeting_results_public(meeting):
            return selectors.meeting_figures(meeting).tally.as_dict()
        return None


class AnswerIn(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    choice = serializers.ChoiceField(choices=Choice.choices)


class MeetingBallotIn(serializers.Serializer):
    """Every question of the agenda answered once; ``apartments`` and ``weight_units``,
    if sent, are checked against the electorate, never trusted."""

    answers = AnswerIn(many=True, allow_empty=False)
    apartments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False
    )
    weight_units = serializers.IntegerField(min_value=0, max_value=MAX_ID, required=False)


class MeetingReceiptOut(serializers.ModelSerializer[MeetingBallot]):
    weight_m2 = serializers.SerializerMethodField()
    meeting = serializers.IntegerField(source="meeting_id")

    class Meta:
        model = MeetingBallot
        fields = ["meeting", "seq", "receipt", "choices", "weight_m2", "cast_at", "hash"]

    def get_weight_m2(self, ballot: MeetingBallot) -> str:
        return MeetingTally(0, 0, weight_scale=ballot.meeting.weight_scale).m2(ballot.weight_units)


class MeetingList(generics.ListAPIView[Meeting]):
    """Meetings the user may see: of the buildings they own in, manage, oversee."""

    serializer_class = MeetingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.meetings_visible_to(self.request.user)


class MeetingDetail(generics.RetrieveAPIView[Meeting]):
    serializer_class = MeetingDetailSerializer

    def get_queryset(self) -> Any:
        return selectors.meetings_visible_to(self.request.user).prefetch_related(
            "questions", "decisions"
        )


class MeetingBallotCreate(APIView):
    """Cast (or re-cast) a ballot on every question; the answer holds the receipt code."""

    @extend_schema(request=MeetingBallotIn, responses={201: MeetingReceiptOut})
    def post(self, request: Request, pk: int) -> Response:
        meeting = selectors.meeting_for(request.user, pk)
        data = MeetingBallotIn(data=request.data)
        data.is_valid(raise_exception=True)
        apartments = None
        if "apartments" in data.validated_data:
            ids = data.validated_data["apartments"]
            apartments = list(Apartment.objects.filter(pk__in=ids).only("pk", "number"))
            if len(apartments) != len(set(ids)):
                missing = sorted(set(ids) - {a.pk for a in apartments})
                detail = MSG_NOT_YOUR_APARTMENT % {"number": missing[0]}
                return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
        try:
            ballot = meeting_ballot_cast(
                meeting=meeting,
                voter=cast(User, request.user),
                choices=[(a["question"], a["choice"]) for a in data.validated_data["answers"]],
                apartments=apartments,
                weight_units=data.validated_data.get("weight_units"),
            )
        except MeetingError as exc:
            return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(MeetingReceiptOut(ballot).data, status=status.HTTP_201_CREATED)


class MeetingBoardList(generics.ListAPIView[MeetingBallot]):
    """The bulletin board: every ballot's receipt, choices and weight (the electorate,
    the district's councils and the region's inspectors)."""

    serializer_class = MeetingReceiptOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        meeting = selectors.meeting_board_for(self.request.user, self.kwargs["pk"])
        return meeting.ballots.select_related("meeting").order_by("seq")


class MyMeetingReceipts(generics.ListAPIView[MeetingBallot]):
    """The user's own meeting ballots, every meeting."""

    serializer_class = MeetingReceiptOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        person = roles_of(self.request.user).person
        if person is None:
            return MeetingBallot.objects.none()
        return (
            MeetingBallot.objects.filter(person=person)
            .select_related("meeting")
            .order_by("-cast_at", "-seq")
        )
