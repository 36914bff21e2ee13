"""General meetings of a building (DOMAIN.md "General meeting"): initiation by owners
holding the threshold, by the MC or by the council; the agenda's rules; discussion and
voting in their windows; ballots on an append-only hash chain, the last one counting;
the close with its decisions. Clocks are fixed at each boundary.

The arithmetic of the close (quorum, simple and qualified majorities at their exact
boundaries) is in test_meetings_arithmetic.py."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts.models import User
from buildings.models import Apartment, Building, Ownership
from mening_uyim.demo import Cast
from organizations.models import ManagementCompany, RegisterStatus
from tests.factories import PersonFactory
from tests.voting.conftest import T0, World
from voting import chain
from voting.meeting_selectors import passed_decisions
from voting.meeting_tally import meeting_tally
from voting.meetings import (
    MSG_ALREADY_SIGNED,
    MSG_ANSWERED_TWICE,
    MSG_BAD_CHOICE,
    MSG_CLOSED,
    MSG_DISCUSSION_OVER,
    MSG_FORGED_WEIGHT,
    MSG_KIND_NEEDS_QUALIFIED,
    MSG_MAY_NOT_CLOSE,
    MSG_MAY_NOT_INITIATE,
    MSG_NO_AGENDA,
    MSG_NOT_DRAFT,
    MSG_NOT_ELECTOR,
    MSG_NOT_ON_AGENDA,
    MSG_NOT_OPEN_YET,
    MSG_NOT_OVER,
    MSG_NOT_OWNER,
    MSG_NOT_VOTING_YET,
    MSG_NOT_YOUR_APARTMENT,
    MSG_UNANSWERED,
    MSG_VOTING_OVER,
    AgendaItem,
    MeetingError,
    _local,
    meeting_ballot_cast,
    meeting_close,
    meeting_comment,
    meeting_initiate,
    meeting_sign,
    meetings_due,
)
from voting.models import (
    BallotImmutable,
    Comment,
    Decision,
    Meeting,
    MeetingBallot,
    MeetingElector,
    MeetingInitiator,
    MeetingSignature,
    MeetingStatus,
    Question,
    QuestionKind,
    QuestionRule,
)
from voting.services import VotingError

pytestmark = pytest.mark.django_db
US = dt.timedelta(microseconds=1)

LEASE = AgendaItem("Yerto'la ijarasi: 'Nur' MChJga 3 yilga", QuestionKind.LEASE)
CLEANING = AgendaItem("Kirish yo'laklarini tozalash jadvali", QuestionKind.OTHER)


# --- helpers shared by the meeting test modules ---------------------------------------------


@dataclass
class Estate:
    """A building of Yunusobod (the council persona's district) whose flat ``i`` is wholly
    owned by ``owners[i]``: with whole shares, 1 weight unit is 0.01 m²."""

    building: Building
    flats: list[Apartment]
    owners: list[User]


@pytest.fixture
def estate(cast: Cast, make_building: Any):
    def make(*areas: str) -> Estate:
        building = make_building(flats=len(areas))
        Building.objects.filter(pk=building.pk).update(district=cast.district)
        building.refresh_from_db()
        flats = list(building.apartments.order_by("pk"))
        owners = []
        for flat, area in zip(flats, areas, strict=True):
            Apartment.objects.filter(pk=flat.pk).update(area_m2=Decimal(area))
            person = PersonFactory.create()
            Ownership.objects.create(
                apartment=flat, person=person, since=dt.date(2020, 1, 1)
            )  # a whole share
            assert person.user is not None
            owners.append(person.user)
        return Estate(building, flats, owners)

    return make


def convene(cast: Cast, building: Building, *agenda: AgendaItem) -> Meeting:
    """A meeting called by the district's council: open at T0."""
    return meeting_initiate(
        building=building,
        by=cast.users["council"],
        initiator=MeetingInitiator.COUNCIL,
        agenda=list(agenda) or [CLEANING],
        at=T0,
    )


def questions(meeting: Meeting) -> list[Question]:
    return list(meeting.questions.order_by("order"))


def vote(meeting: Meeting, voter: User, *choices: str, **kwargs: Any) -> MeetingBallot:
    """A ballot at the opening of voting; ``choices`` in the agenda's order."""
    answers = {q.pk: c for q, c in zip(questions(meeting), choices, strict=True)}
    kwargs.setdefault("at", meeting.discussion_ends_at)
    return meeting_ballot_cast(meeting=meeting, voter=voter, choices=answers, **kwargs)


def close(meeting: Meeting) -> Meeting:
    return meeting_close(meeting=meeting, by=None, at=meeting.voting_ends_at)


def chain_ok(meeting: Meeting) -> bool:
    out = StringIO()
    try:
        call_command("verify_chain", "meeting", str(meeting.pk), stdout=out, stderr=out)
    except SystemExit as exc:
        return exc.code == 0
    return True


def retally(meeting: Meeting) -> dict:
    out = StringIO()
    call_command("retally", "meeting", str(meeting.pk), "--json", stdout=out)
    return json.loads(out.getvalue())


def refused(excinfo: pytest.ExceptionInfo[VotingError], message: Any) -> bool:
    return excinfo.value.message == str(message)


# --- initiation by owners ------------------------------------------------------------------


def _threshold_estate(estate: Any, percent: int, short: bool) -> Estate:
    """Three flats in a 1,000 m² building: the drafter's 4 × p m² and the co-signer's 6 × p m²
    hold exactly p % together, or one unit (0.01 m²) less when ``short``."""
    cut = Decimal("0.01") if short else Decimal(0)
    return estate(str(4 * percent), str(6 * percent - cut), str(1000 - 10 * percent + cut))


@pytest.mark.parametrize("percent", [None, 25])
def test_owners_holding_exactly_the_threshold_open_the_meeting(
    estate: Any, settings: Any, percent: int | None
) -> None:
    if percent is not None:
        settings.VOTING_MEETING_INITIATIVE_PERCENT = percent
    p = settings.VOTING_MEETING_INITIATIVE_PERCENT
    e = _threshold_estate(estate, p, short=False)
    drafter, cosigner, _rest = e.owners
    meeting = meeting_initiate(
        building=e.building, by=drafter, initiator=MeetingInitiator.OWNERS, agenda=[LEASE], at=T0
    )
    assert meeting.status == MeetingStatus.DRAFT  # 4 × p m² of 1,000: not yet
    assert meeting.initiative_percent == p
    assert not MeetingElector.objects.exists()
    signed_at = T0 + dt.timedelta(days=2)
    meeting_sign(meeting=meeting, by=cosigner, at=signed_at)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    assert meeting.opened_at == signed_at
    assert meeting.discussion_ends_at == signed_at + dt.timedelta(
        days=settings.VOTING_MEETING_DISCUSSION_DAYS
    )
    assert meeting.voting_ends_at == meeting.discussion_ends_at + dt.timedelta(
        days=settings.VOTING_MEETING_VOTING_DAYS
    )
    assert meeting.quorum_percent == settings.VOTING_QUORUM_PERCENT
    assert meeting.total_weight_units == 1000 * 100
    assert meeting.electors.count() == 3


@pytest.mark.parametrize("percent", [None, 25])
def test_owners_one_unit_under_the_threshold_do_not_open_it(
    estate: Any, settings: Any, percent: int | None
) -> None:
    if percent is not None:
        settings.VOTING_MEETING_INITIATIVE_PERCENT = percent
    p = settings.VOTING_MEETING_INITIATIVE_PERCENT
    e = _threshold_estate(estate, p, short=True)
    drafter, cosigner, rest = e.owners
    meeting = meeting_initiate(
        building=e.building, by=drafter, initiator=MeetingInitiator.OWNERS, agenda=[LEASE], at=T0
    )
    meeting_sign(meeting=meeting, by=cosigner, at=T0)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT
    assert meeting.opened_at is None
    with pytest.raises(MeetingError) as exc:
        meeting_comment(meeting=meeting, by=drafter, text="Qachon?", at=T0)
    assert refused(exc, MSG_NOT_OPEN_YET)
    with pytest.raises(MeetingError) as exc:
        vote(meeting, drafter, "for", at=T0)
    assert refused(exc, MSG_NOT_OPEN_YET)
    meeting_sign(meeting=meeting, by=rest, at=T0 + US)  # the rest of the building signs
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN


def test_a_drafter_holding_the_threshold_alone_opens_it_at_once(estate: Any) -> None:
    p = settings.VOTING_MEETING_INITIATIVE_PERCENT
    e = estate(str(p), str(100 - p))
    meeting = meeting_initiate(
        building=e.building, by=e.owners[0], initiator="owners", agenda=[CLEANING], at=T0
    )
    assert (meeting.status, meeting.opened_at) == (MeetingStatus.OPEN, T0)
    assert list(meeting.signatures.values_list("person_id", flat=True)) == [e.owners[0].person.pk]


def test_an_initiative_is_signed_by_current_owners_of_the_building_once_each(
    cast: Cast, estate: Any
) -> None:
    e = estate("1", "1", "998")  # 0.1 % each: far from any threshold
    meeting = meeting_initiate(
        building=e.building, by=e.owners[0], initiator="owners", agenda=[LEASE], at=T0
    )
    # the owner persona owns in another building only
    for key in ("outsider", "owner", "mc_director", "council"):
        with pytest.raises(MeetingError) as exc:
            meeting_sign(meeting=meeting, by=cast.users[key], at=T0)
        assert refused(exc, MSG_NOT_OWNER)
    with pytest.raises(MeetingError) as exc:
        meeting_sign(meeting=meeting, by=e.owners[0], at=T0)
    assert refused(exc, MSG_ALREADY_SIGNED)
    meeting_sign(meeting=meeting, by=e.owners[1], at=T0)
    assert MeetingSignature.objects.filter(meeting=meeting).count() == 2
    meeting_sign(meeting=meeting, by=e.owners[2], at=T0)  # 100 %: it opens
    with pytest.raises(MeetingError) as exc:
        meeting_sign(meeting=meeting, by=e.owners[2], at=T0)
    assert refused(exc, MSG_NOT_DRAFT)


def test_a_signatory_who_has_since_sold_no_longer_counts(estate: Any) -> None:
    """The signatories' weight is read from today's ownerships at each signature."""
    p = Decimal(settings.VOTING_MEETING_INITIATIVE_PERCENT)
    e = estate(str(p / 2), str(p / 2), str(100 - p))  # a 100 m² building
    seller, cosigner, _rest = e.owners
    meeting = meeting_initiate(
        building=e.building, by=seller, initiator="owners", agenda=[LEASE], at=T0
    )
    Ownership.objects.filter(apartment=e.flats[0]).update(until=dt.date(2026, 12, 1))
    buyer = PersonFactory.create()
    Ownership.objects.create(apartment=e.flats[0], person=buyer, since=dt.date(2026, 12, 2))
    meeting_sign(meeting=meeting, by=cosigner, at=T0 + US)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT  # p / 2 %: the seller's half is gone
    assert buyer.user is not None
    meeting_sign(meeting=meeting, by=buyer.user, at=T0 + 2 * US)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    assert not meeting.electors.filter(person=seller.person).exists()


# --- initiation by the company and the council --------------------------------------------


def test_the_director_of_the_buildings_company_calls_a_meeting(cast: Cast, world: World) -> None:
    Building.objects.filter(pk=world.building.pk).update(manager=cast.mc)
    meeting = meeting_initiate(
        building=world.building,
        by=cast.users["mc_director"],
        initiator=MeetingInitiator.MC,
        agenda=[LEASE, CLEANING],
        at=T0,
    )
    assert (meeting.status, meeting.initiator, meeting.opened_at) == (
        MeetingStatus.OPEN,
        MeetingInitiator.MC,
        T0,
    )
    assert meeting.initiative_percent is None
    assert not meeting.signatures.exists()
    assert [q.order for q in questions(meeting)] == [1, 2]


@pytest.mark.parametrize("key", ["mc_dispatcher", "rival_mc", "council", "owner", "inspector"])
def test_only_the_director_of_the_buildings_company_calls_it_as_the_company(
    cast: Cast, world: World, key: str
) -> None:
    Building.objects.filter(pk=world.building.pk).update(manager=cast.mc)
    with pytest.raises(MeetingError) as exc:
        meeting_initiate(
            building=world.building, by=cast.users[key], initiator="mc", agenda=[LEASE], at=T0
        )
    assert refused(exc, MSG_MAY_NOT_INITIATE[MeetingInitiator.MC])
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("status", [RegisterStatus.REMOVED, RegisterStatus.APPLIED])
def test_a_company_outside_the_register_cannot_call_a_meeting(
    cast: Cast, world: World, status: RegisterStatus
) -> None:
    Building.objects.filter(pk=world.building.pk).update(manager=cast.mc)
    ManagementCompany.objects.filter(pk=cast.mc.pk).update(status=status)
    director = User.objects.get(pk=cast.users["mc_director"].pk)  # roles read afresh
    with pytest.raises(MeetingError):
        meeting_initiate(building=world.building, by=director, initiator="mc", agenda=[LEASE])
    assert not Meeting.objects.exists()


def test_a_company_calls_meetings_only_of_buildings_it_manages(cast: Cast, world: World) -> None:
    Building.objects.filter(pk=world.building.pk).update(manager=cast.rival_mc)
    with pytest.raises(MeetingError):
        meeting_initiate(
            building=world.building,
            by=cast.users["mc_director"],
            initiator="mc",
            agenda=[LEASE],
            at=T0,
        )
    assert not Meeting.objects.exists()


def test_a_council_member_of_the_buildings_district_calls_a_meeting(
    cast: Cast, world: World
) -> None:
    meeting = convene(cast, world.building, LEASE)
    assert (meeting.status, meeting.initiator) == (MeetingStatus.OPEN, MeetingInitiator.COUNCIL)
    assert meeting.weight_scale == 2  # the owner's and co-owner's halves
    assert meeting_tally(meeting).m2(meeting.total_weight_units) == "200"


@pytest.mark.parametrize(
    ("key", "initiator"),
    [
        ("other_council", "council"),
        ("inspector", "council"),
        ("mc_director", "council"),
        ("owner", "council"),
        ("outsider", "owners"),
        ("mc_director", "owners"),
        ("council", "owners"),
        ("council", "mc"),
    ],
)
def test_nobody_else_initiates_a_meeting(
    cast: Cast, world: World, key: str, initiator: str
) -> None:
    with pytest.raises(MeetingError) as exc:
        meeting_initiate(
            building=world.building,
            by=cast.users[key],
            initiator=initiator,
            agenda=[LEASE],
            at=T0,
        )
    assert refused(exc, MSG_MAY_NOT_INITIATE[MeetingInitiator(initiator)])
    assert not Meeting.objects.exists()
    assert not Question.objects.exists()


# --- the agenda ----------------------------------------------------------------------------


def test_leases_common_property_and_capital_repair_are_qualified(cast: Cast, world: World) -> None:
    meeting = convene(
        cast,
        world.building,
        AgendaItem("Ijaraga berish", QuestionKind.LEASE),
        AgendaItem("Tomni foydalanishga berish", QuestionKind.COMMON_PROPERTY_USE),
        AgendaItem("Liftni kapital ta'mirlash", QuestionKind.CAPITAL_REPAIR),
        AgendaItem("Boshqa masala", QuestionKind.OTHER),
        AgendaItem("Muhim boshqa masala", QuestionKind.OTHER, QuestionRule.QUALIFIED),
    )
    assert [q.rule for q in questions(meeting)] == [
        QuestionRule.QUALIFIED,
        QuestionRule.QUALIFIED,
        QuestionRule.QUALIFIED,
        QuestionRule.SIMPLE,
        QuestionRule.QUALIFIED,
    ]


@pytest.mark.parametrize("kind", [k.value for k in QuestionKind if k != QuestionKind.OTHER])
def test_a_qualified_kind_cannot_be_decided_simply(cast: Cast, world: World, kind: str) -> None:
    with pytest.raises(MeetingError) as exc:
        convene(cast, world.building, CLEANING, AgendaItem("X", kind, QuestionRule.SIMPLE))
    assert refused(exc, MSG_KIND_NEEDS_QUALIFIED % {"n": 2, "kind": QuestionKind(kind).label})
    assert not Meeting.objects.exists()
    assert not Question.objects.exists()


@pytest.mark.parametrize("kind", [k.value for k in QuestionKind if k != QuestionKind.OTHER])
def test_the_database_refuses_a_simple_rule_for_a_qualified_kind(
    cast: Cast, world: World, kind: str
) -> None:
    meeting = convene(cast, world.building)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(meeting=meeting, order=9, text="X", kind=kind, rule="simple")


def test_a_bad_agenda_is_refused_naming_the_question(cast: Cast, world: World) -> None:
    for agenda, message in (
        ([], MSG_NO_AGENDA),
        ([CLEANING, AgendaItem("  ")], "2"),
        ([AgendaItem("X", "tariff")], "1"),
        ([AgendaItem("X" * 2001)], "1"),
        ([AgendaItem("X", QuestionKind.OTHER, "unanimous")], "1"),
    ):
        with pytest.raises(MeetingError) as exc:
            meeting_initiate(
                building=world.building,
                by=cast.users["council"],
                initiator="council",
                agenda=agenda,
                at=T0,
            )
        assert str(message) in exc.value.message
    assert not Meeting.objects.exists()


# --- the discussion ------------------------------------------------------------------------


def test_electors_comment_during_the_discussion_only(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, LEASE)
    owner = world.voters["owner"]
    meeting_comment(meeting=meeting, by=owner, text=" Ijara narxi qancha? ", at=T0)
    end = meeting.discussion_ends_at
    assert end is not None
    meeting_comment(meeting=meeting, by=world.voters["third"], text="Rozi emasman", at=end - US)
    with pytest.raises(MeetingError) as exc:
        meeting_comment(meeting=meeting, by=owner, text="Kech qoldim", at=end)
    assert refused(exc, MSG_DISCUSSION_OVER % {"at": _local(end)})
    for key in ("outsider", "mc_director", "council"):
        with pytest.raises(MeetingError) as exc:
            meeting_comment(meeting=meeting, by=cast.users[key], text="Salom", at=T0)
        assert refused(exc, MSG_NOT_ELECTOR)
    with pytest.raises(MeetingError):
        meeting_comment(meeting=meeting, by=owner, text="   ", at=T0)
    assert list(Comment.objects.order_by("at").values_list("text", flat=True)) == [
        "Ijara narxi qancha?",
        "Rozi emasman",
    ]


# --- ballots -------------------------------------------------------------------------------


def test_ballots_are_accepted_only_inside_the_voting_window(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, LEASE)
    start, end = meeting.discussion_ends_at, meeting.voting_ends_at
    assert start is not None
    assert end is not None
    voter = world.voters["third"]
    with pytest.raises(MeetingError) as exc:
        vote(meeting, voter, "for", at=start - US)
    assert refused(exc, MSG_NOT_VOTING_YET % {"at": _local(start)})
    with pytest.raises(MeetingError) as exc:
        vote(meeting, voter, "for", at=end)
    assert refused(exc, MSG_VOTING_OVER % {"at": _local(end)})
    assert not MeetingBallot.objects.exists()
    vote(meeting, voter, "for", at=start)
    vote(meeting, voter, "against", at=end - US)
    assert MeetingBallot.objects.count() == 2


def test_a_ballot_answers_every_question_exactly_once(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, LEASE, CLEANING)
    first, second = questions(meeting)
    elsewhere = convene(cast, world.building, CLEANING)
    stranger = questions(elsewhere)[0]
    voter, at = world.voters["third"], meeting.discussion_ends_at
    cases: list[tuple[Any, Any]] = [
        ({first.pk: "for"}, MSG_UNANSWERED % {"numbers": "2"}),
        ({}, MSG_UNANSWERED % {"numbers": "1, 2"}),
        ([(first.pk, "for"), (str(first.pk), "against"), (second.pk, "for")], None),
        ({first.pk: "for", second.pk: "for", stranger.pk: "for"}, MSG_NOT_ON_AGENDA),
        ({first.pk: "for", second.pk: "yes"}, MSG_BAD_CHOICE % {"n": 2}),
        ({"x": "for", second.pk: "for"}, MSG_NOT_ON_AGENDA),
    ]
    for choices, message in cases:
        with pytest.raises(MeetingError) as exc:
            meeting_ballot_cast(meeting=meeting, voter=voter, choices=choices, at=at)
        expected = message if message is not None else MSG_ANSWERED_TWICE % {"n": 1}
        assert refused(exc, expected)
    assert not MeetingBallot.objects.exists()
    ballot = meeting_ballot_cast(
        meeting=meeting,
        voter=voter,
        choices=[(str(second.pk), "abstain"), (first.pk, "for")],
        at=at,
    )
    assert ballot.choices == {str(first.pk): "for", str(second.pk): "abstain"}


def test_bad_ballots_are_refused_and_leave_the_chain_unchanged(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, LEASE)
    vote(meeting, world.voters["third"], "for")
    before = list(MeetingBallot.objects.values_list("pk", "hash"))
    owner = world.voters["owner"]
    neighbours_flat = world.building.apartments.order_by("pk")[1]
    own_flat = world.building.apartments.order_by("pk")[0]
    for voter, kwargs, message in (
        (cast.users["outsider"], {}, MSG_NOT_ELECTOR),
        (cast.users["mc_director"], {}, MSG_NOT_ELECTOR),
        (owner, {"weight_units": 10**9}, MSG_FORGED_WEIGHT),
        (owner, {"weight_units": 0}, MSG_FORGED_WEIGHT),
        (
            owner,
            {"apartments": [own_flat, neighbours_flat]},
            MSG_NOT_YOUR_APARTMENT % {"number": neighbours_flat.number},
        ),
    ):
        with pytest.raises(MeetingError) as exc:
            vote(meeting, voter, "for", **kwargs)
        assert refused(exc, message)
    assert list(MeetingBallot.objects.values_list("pk", "hash")) == before
    assert chain_ok(meeting)
    weight = MeetingElector.objects.get(meeting=meeting, person=owner.person).weight_units
    ballot = vote(meeting, owner, "for", apartments=[own_flat], weight_units=weight)
    assert ballot.weight_units == weight


def test_the_last_ballot_of_an_owner_counts(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, LEASE, CLEANING)
    neighbour = world.voters["neighbour"]
    assert meeting.discussion_ends_at is not None
    vote(meeting, neighbour, "for", "for")
    vote(meeting, world.voters["third"], "for", "for")
    vote(meeting, neighbour, "against", "abstain", at=meeting.discussion_ends_at + US)
    counted = meeting_tally(meeting)
    lease, cleaning = (counted.questions[q.pk] for q in questions(meeting))
    assert (counted.m2(lease.for_units), counted.m2(lease.against_units)) == ("50", "50")
    assert (counted.m2(cleaning.for_units), counted.m2(cleaning.abstain_units)) == ("50", "50")
    assert counted.ballots_counted == 2
    assert counted.m2(counted.participating_units) == "100"
    assert MeetingBallot.objects.count() == 3  # all kept: the chain holds the history


def test_co_owners_vote_their_own_shares(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, CLEANING)
    ballot = vote(meeting, world.voters["owner"], "for")
    counted = meeting_tally(meeting)
    assert counted.m2(ballot.weight_units) == "25"  # half of flat 1's 50 m²
    vote(meeting, world.voters["co_owner"], "against")
    counted = meeting_tally(meeting)
    only = counted.questions[questions(meeting)[0].pk]
    assert (counted.m2(only.for_units), counted.m2(only.against_units)) == ("25", "25")


def test_three_co_owners_of_a_third_add_up_to_the_whole_flat(cast: Cast, world: World) -> None:
    flat = world.building.apartments.order_by("pk")[3]
    Ownership.objects.filter(apartment=flat).delete()
    people = [PersonFactory.create() for _ in range(3)]
    for p in people:
        Ownership.objects.create(
            apartment=flat,
            person=p,
            share_numerator=1,
            share_denominator=3,
            since=dt.date(2020, 1, 1),
        )
    meeting = convene(cast, world.building, CLEANING)
    assert meeting.weight_scale == 6
    for p in people:
        assert p.user is not None
        vote(meeting, p.user, "for")
    counted = meeting_tally(meeting)
    only = counted.questions[questions(meeting)[0].pk]
    assert counted.m2(only.for_units) == "50"  # exactly the flat's 50 m²
    assert counted.m2(counted.total_units) == "200"


def test_a_later_ownership_change_does_not_touch_an_open_meeting(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, CLEANING)
    total = meeting.total_weight_units
    neighbour = world.voters["neighbour"]
    Ownership.objects.filter(person=neighbour.person).update(until=dt.date(2026, 12, 2))
    meeting.refresh_from_db()
    assert meeting.total_weight_units == total
    assert vote(meeting, neighbour, "for").weight_units > 0


# --- closing -------------------------------------------------------------------------------


def test_a_meeting_closes_after_voting_by_a_party_of_it(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, CLEANING)
    end = meeting.voting_ends_at
    assert end is not None
    with pytest.raises(MeetingError) as exc:
        meeting_close(meeting=meeting, by=cast.users["council"], at=end - US)
    assert refused(exc, MSG_NOT_OVER % {"at": _local(end)})
    for key in ("other_council", "outsider", "rival_mc"):
        with pytest.raises(MeetingError) as exc:
            meeting_close(meeting=meeting, by=cast.users[key], at=end)
        assert refused(exc, MSG_MAY_NOT_CLOSE)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    meeting = meeting_close(meeting=meeting, by=world.voters["fourth"], at=end)  # an elector
    assert (meeting.status, meeting.closed_by) == (MeetingStatus.CLOSED, world.voters["fourth"])
    with pytest.raises(MeetingError) as exc:
        meeting_close(meeting=meeting, by=None, at=end)
    assert refused(exc, MSG_CLOSED)
    with pytest.raises(MeetingError) as exc:
        vote(meeting, world.voters["third"], "for", at=end - US)
    assert refused(exc, MSG_CLOSED)


def test_meetings_due_are_those_whose_voting_has_ended(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, CLEANING)
    assert meeting.voting_ends_at is not None
    assert meetings_due(meeting.voting_ends_at - US) == []
    assert meetings_due(meeting.voting_ends_at) == [meeting.pk]
    close(meeting)
    assert meetings_due(meeting.voting_ends_at) == []


def test_the_close_publishes_result_head_and_a_decision_per_question(
    cast: Cast, world: World
) -> None:
    meeting = convene(cast, world.building, LEASE, CLEANING)
    for key, lease, cleaning in (
        ("owner", "for", "for"),
        ("co_owner", "for", "against"),
        ("neighbour", "for", "for"),
        ("third", "for", "abstain"),
    ):
        vote(meeting, world.voters[key], lease, cleaning)
    # 150 of 200 m² participate; the lease has 150 ≥ 2/3 × 200; cleaning 75 of 150: not more
    meeting = close(meeting)
    lease_q, cleaning_q = questions(meeting)
    assert meeting.result["quorum"] is True
    assert meeting.result["participating_weight"] == "150"
    assert meeting.result["results"][str(lease_q.pk)] == {
        "rule": "qualified",
        "for": "150",
        "against": "0",
        "abstain": "0",
        "passed": True,
    }
    assert meeting.result["results"][str(cleaning_q.pk)]["passed"] is False
    last = MeetingBallot.objects.filter(meeting=meeting).order_by("-seq").first()
    assert last is not None
    assert meeting.head_hash == last.hash
    decisions = {d.question_id: d for d in Decision.objects.filter(meeting=meeting)}
    assert {q: d.passed for q, d in decisions.items()} == {lease_q.pk: True, cleaning_q.pk: False}
    assert decisions[lease_q.pk].kind == QuestionKind.LEASE
    report = retally(meeting)
    assert report["matches_published"] is True
    assert chain_ok(meeting)
    assert list(passed_decisions(world.building, QuestionKind.LEASE)) == [decisions[lease_q.pk]]
    assert not passed_decisions(world.building, QuestionKind.OTHER).exists()
    assert not passed_decisions(world.building, QuestionKind.CAPITAL_REPAIR).exists()


def test_a_meeting_without_ballots_closes_with_nothing_passed(cast: Cast, world: World) -> None:
    meeting = close(convene(cast, world.building, CLEANING))
    assert meeting.head_hash == chain.meeting_genesis(meeting.pk)
    assert meeting.result["quorum"] is False
    assert not Decision.objects.filter(passed=True).exists()
    assert retally(meeting)["matches_published"] is True


# --- append-only and verifiability --------------------------------------------------------


def test_meeting_ballots_are_never_updated_or_deleted(cast: Cast, world: World) -> None:
    meeting = convene(cast, world.building, CLEANING)
    ballot = vote(meeting, world.voters["third"], "for")
    ballot.weight_units = 1
    with pytest.raises(BallotImmutable):
        ballot.save()
    with pytest.raises(BallotImmutable):
        ballot.delete()
    with pytest.raises(BallotImmutable):
        MeetingBallot.objects.filter(pk=ballot.pk).update(weight_units=1)
    with pytest.raises(BallotImmutable):
        MeetingBallot.objects.filter(pk=ballot.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE voting_meetingballot SET weight_units = 1 WHERE id = %s", [ballot.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM voting_meetingballot WHERE id = %s", [ballot.pk])
    stored = MeetingBallot.objects.get(pk=ballot.pk)
    assert stored.weight_units > 1
    assert chain_ok(meeting)


def _alter_behind_the_codes_back(ballot_id: int, assignment: str) -> None:
    """Change a stored meeting ballot with the database's own guard switched off."""
    sql = f"UPDATE voting_meetingballot SET {assignment} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
            cur.execute(
                "ALTER TABLE voting_meetingballot DISABLE TRIGGER voting_meetingballot_append_only"
            )
            cur.execute(sql, [ballot_id])
            cur.execute(
                "ALTER TABLE voting_meetingballot ENABLE TRIGGER voting_meetingballot_append_only"
            )
        else:
            cur.execute("DROP TRIGGER voting_meetingballot_no_update")
            cur.execute(sql, [ballot_id])
            cur.execute(
                "CREATE TRIGGER voting_meetingballot_no_update BEFORE UPDATE"
                " ON voting_meetingballot"
                " BEGIN SELECT RAISE(ABORT, 'meeting ballots are append-only'); END"
            )


@pytest.mark.parametrize("what", ["weight", "choices"])
def test_verify_chain_names_a_meeting_ballot_altered_behind_the_codes_back(
    cast: Cast, world: World, what: str
) -> None:
    meeting = convene(cast, world.building, LEASE)
    for key, choice in (("owner", "for"), ("neighbour", "against"), ("third", "for")):
        vote(meeting, world.voters[key], choice)
    meeting = close(meeting)
    assert chain_ok(meeting)
    second = MeetingBallot.objects.get(meeting=meeting, seq=2)
    if what == "weight":
        _alter_behind_the_codes_back(second.pk, "weight_units = weight_units + 1")
    else:
        flipped = json.dumps({k: "for" for k in second.choices})
        _alter_behind_the_codes_back(second.pk, f"choices = '{flipped}'")
    assert MeetingBallot.objects.get(pk=second.pk).hash == second.hash  # the hash was kept
    err = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("verify_chain", "meeting", str(meeting.pk), stdout=StringIO(), stderr=err)
    assert exc.value.code == 1
    assert "entry 2" in err.getvalue()
    with pytest.raises(SystemExit):  # the recount no longer matches the published result
        call_command("retally", "meeting", str(meeting.pk), "--json", stdout=StringIO())


@pytest.mark.parametrize("relinked", [False, True])
def test_a_rewritten_meeting_history_breaks_the_chain_even_with_recomputed_hashes(
    cast: Cast, world: World, relinked: bool
) -> None:
    """An insider rewrites entry 2's choices with a hash recomputed by the published
    algorithm: entry 3 no longer follows it; re-linking entry 3 breaks entry 3's own hash,
    which covers its predecessor."""
    meeting = convene(cast, world.building, LEASE)
    for key, choice in (("owner", "for"), ("neighbour", "against"), ("third", "for")):
        vote(meeting, world.voters[key], choice)
    meeting = close(meeting)
    second = MeetingBallot.objects.get(meeting=meeting, seq=2)
    forged_choices = {k: "for" for k in second.choices}
    forged = chain.entry_hash(
        second.prev_hash,
        chain.meeting_canonical(
            meeting_id=meeting.pk,
            seq=2,
            voter=second.voter_ref,
            choices=forged_choices,
            weight_units=second.weight_units,
            weight_scale=meeting.weight_scale,
            cast_at=second.cast_at,
        ),
    )
    third = MeetingBallot.objects.get(meeting=meeting, seq=3)
    _alter_behind_the_codes_back(
        second.pk, f"choices = '{json.dumps(forged_choices)}', hash = '{forged}'"
    )
    if relinked:
        _alter_behind_the_codes_back(third.pk, f"prev_hash = '{forged}'")
    ok, bad, why = chain.meeting_chain_verify(meeting)
    assert (ok, bad) == (False, 3)
    assert ("altered" if relinked else "does not follow") in why


def test_a_ballot_removed_behind_the_codes_back_breaks_the_sequence(
    cast: Cast, world: World
) -> None:
    meeting = convene(cast, world.building, LEASE)
    for key in ("owner", "neighbour", "third"):
        vote(meeting, world.voters[key], "for")
    second = MeetingBallot.objects.get(meeting=meeting, seq=2)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(
                "ALTER TABLE voting_meetingballot DISABLE TRIGGER voting_meetingballot_append_only"
            )
        else:
            cur.execute("DROP TRIGGER voting_meetingballot_no_delete")
        cur.execute("DELETE FROM voting_meetingballot WHERE id = %s", [second.pk])
    ok, bad, why = chain.meeting_chain_verify(meeting)
    assert (ok, bad) == (False, 3)
    assert "out of sequence" in why


def test_commands_refuse_an_unknown_meeting(db: None) -> None:
    from django.core.management.base import CommandError

    for command in ("verify_chain", "retally"):
        with pytest.raises(CommandError):
            call_command(command, "meeting", "999999", stdout=StringIO())
        with pytest.raises(CommandError):
            call_command(command, "meeting", "²", stdout=StringIO())
