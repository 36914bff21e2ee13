"""General meetings of a building (DOMAIN.md "General meeting"): initiation by owners
holding the threshold (exactly, and one unit under), by the building's MC director, by a
council member of its district, and by nobody else; the agenda's rules (leases, use of
common property and capital repair are qualified). Clocks are fixed at each boundary.

Also the helpers of the sibling modules: test_meetings_course.py (discussion, ballots,
close), test_meetings_arithmetic.py (quorum and majorities at their exact boundaries),
test_meetings_chain.py (append-only, verifiability), test_meetings_concurrency.py."""

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
from django.db import IntegrityError, transaction

from accounts.models import User
from buildings.models import Apartment, Building, Ownership
from mening_uyim.demo import Cast
from organizations.models import ManagementCompany, RegisterStatus
from tests.factories import PersonFactory
from tests.voting.conftest import T0, World
from voting.meeting_tally import meeting_tally
from voting.meetings import (
    MSG_ALREADY_SIGNED,
    MSG_KIND_NEEDS_QUALIFIED,
    MSG_MAY_NOT_INITIATE,
    MSG_NO_AGENDA,
    MSG_NOT_DRAFT,
    MSG_NOT_OPEN_YET,
    MSG_NOT_OWNER,
    AgendaItem,
    MeetingError,
    meeting_ballot_cast,
    meeting_close,
    meeting_comment,
    meeting_initiate,
    meeting_sign,
)
from voting.models import (
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
