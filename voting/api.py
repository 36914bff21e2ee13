"""Elections API, scoped like the pages (voting.selectors): elections, casting a ballot,
my receipts and the board."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Field
from django.utils.text import capfirst
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import roles_of
from core.ids import MAX_ID
from voting import selectors
from voting.models import Ballot, Election
from voting.services import MSG_NOT_CANDIDATE, VotingError, ballot_cast
from voting.tally import Tally


class CandidateOut(serializers.Serializer):
    id = serializers.IntegerField(source="candidate.pk")
    company = serializers.CharField(source="candidate.company.name")
    company_id = serializers.IntegerField(source="candidate.company_id")
    scorecard = serializers.DictField(source="card")
    weight_m2 = serializers.CharField(source="weight", allow_null=True)


class ElectionSerializer(serializers.ModelSerializer[Election]):
    lot = serializers.CharField(source="lot.code")
    phase = serializers.SerializerMethodField()

    class Meta:
        model = Election
        fields = [
            "id",
            "lot",
            "status",
            "phase",
            "nomination_ends_at",
            "voting_ends_at",
            "extended_at",
            "outcome",
            "winner",
            "head_hash",
        ]

    def get_phase(self, election: Election) -> str:
        return selectors.phase(election)


class ElectionDetailSerializer(ElectionSerializer):
    candidates = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    class Meta(ElectionSerializer.Meta):
        fields = [*ElectionSerializer.Meta.fields, "candidates", "result"]

    def get_candidates(self, election: Election) -> list[dict[str, Any]]:
        public = selectors.results_public(election)
        counted = selectors.figures(election)["tally"] if public else None
        return CandidateOut(selectors.candidates(election, counted), many=True).data  # type: ignore[return-value]

    def get_result(self, election: Election) -> dict[str, Any] | None:
        return election.result or None


class BallotIn(serializers.Serializer):
    candidate = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    weight_units = serializers.IntegerField(min_value=0, max_value=MAX_ID, required=False)


def _label(name: str) -> Any:
    field = Ballot._meta.get_field(name)
    assert isinstance(field, Field)
    return capfirst(field.verbose_name)


# A ballot's receipt. Its fields are declared as a ModelSerializer would derive them from
# the model (the same schema), because a ModelSerializer derives them again for every
# instance, and this is the answer of the API's hottest path (bench/ballots.py).
class ReceiptOut(serializers.Serializer):
    seq = serializers.IntegerField(label=_label("seq"), min_value=0, max_value=2147483647)
    receipt = serializers.CharField(label=_label("receipt"), max_length=20)
    candidate = serializers.CharField(source="candidate.company.name")
    weight_m2 = serializers.SerializerMethodField()
    cast_at = serializers.DateTimeField(label=_label("cast_at"))
    hash = serializers.CharField(label=_label("hash"), max_length=64)

    def get_weight_m2(self, ballot: Ballot) -> str:
        return Tally(0, 0, weight_scale=ballot.election.weight_scale).m2(ballot.weight_units)


class ElectionList(generics.ListAPIView[Election]):
    """Elections the user may see: their lots' (as council, MC, inspector) and their own."""

    serializer_class = ElectionSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.elections_visible_to(self.request.user)


class ElectionDetail(generics.RetrieveAPIView[Election]):
    serializer_class = ElectionDetailSerializer

    def get_queryset(self) -> Any:
        return selectors.elections_visible_to(self.request.user)


class BallotCreate(APIView):
    """Cast (or re-cast) a ballot; the answer holds the receipt code."""

    @extend_schema(request=BallotIn, responses={201: ReceiptOut})
    def post(self, request: Request, pk: int) -> Response:
        data = BallotIn(data=request.data)
        valid = data.is_valid()
        candidate = None
        if valid:  # a voter of the electorate, in one query
            chosen = data.validated_data["candidate"]
            candidate = selectors.candidate_for_voter(request.user, pk, chosen)
        if candidate is None:  # anyone else: the full scope first (404), then the body
            election = selectors.election_for(request.user, pk)
            if not valid:
                raise serializers.ValidationError(data.errors)
            candidate = (
                election.candidates.select_related("company")
                .filter(pk=data.validated_data["candidate"])
                .first()
            )
            if candidate is None:
                raise serializers.ValidationError({"candidate": [str(MSG_NOT_CANDIDATE)]})
        try:
            ballot = ballot_cast(
                election=candidate.election,
                voter=cast(User, request.user),
                candidate=candidate,
                weight_units=data.validated_data.get("weight_units"),
            )
        except VotingError as exc:
            return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ReceiptOut(ballot).data, status=status.HTTP_201_CREATED)


class BoardList(generics.ListAPIView[Ballot]):
    """The bulletin board: every ballot's receipt, choice and weight (the electorate, the
    councils and the region's inspectors)."""

    serializer_class = ReceiptOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        election = selectors.board_for(self.request.user, self.kwargs["pk"])
        return election.ballots.select_related("candidate__company", "election").order_by("seq")


class MyReceipts(generics.ListAPIView[Ballot]):
    """The user's own ballots, every election."""

    serializer_class = ReceiptOut
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        person = roles_of(self.request.user).person
        if person is None:
            return Ballot.objects.none()
        return (
            Ballot.objects.filter(person=person)
            .select_related("candidate__company", "election")
            .order_by("-cast_at", "-seq")
        )
