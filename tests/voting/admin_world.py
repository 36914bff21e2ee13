"""Elections and meetings on both sides of a region's border, for the console's tests.

Tashkent (the ``inspector`` persona's region): an election of a lot holding the demo
buildings A and B, and a meeting of building A, each with the ``owner``'s ballot.
Samarkand (the ``other_inspector``'s): an election of a lot holding building C, and an
owners' meeting of building C, each with the ``outsider``'s ballot (C's only owner).
Every builder is idempotent, so a matrix row may call it from its URL.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import membership_grant
from buildings.models import Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import DEMO_A, DEMO_B, DEMO_C, Cast
from territory.models import District
from tests.factories import UserFactory
from voting.meetings import AgendaItem, meeting_ballot_cast, meeting_initiate
from voting.models import (
    Ballot,
    Election,
    Meeting,
    MeetingBallot,
    MeetingInitiator,
    QuestionKind,
)
from voting.services import ballot_cast, candidate_apply, election_open

TK_LOT, SA_LOT = "UZ-TK-890", "UZ-SA-890"
NATIONAL = "national_inspector"
# the console's personas beyond the standard cast: the two that see every region
CONSOLE_KEYS = (NATIONAL, "admin")


def national_inspector(c: Cast) -> User:
    """An inspector of the whole country, added to the cast under ``NATIONAL``."""
    if NATIONAL not in c.users:
        user = UserFactory.create(email="national-inspector@example.uz")
        membership_grant(user=user, role=Role.INSPECTOR, region_id=None)
        c.users[NATIONAL] = user
    return c.users[NATIONAL]


def samarkand_council(c: Cast) -> User:
    user = UserFactory.create(email="samarkand-council@example.uz")
    district = District.objects.get(region=c.other_region, name="Samarqand shahri")
    if not user.memberships.filter(role=Role.COUNCIL_MEMBER).exists():
        membership_grant(user=user, role=Role.COUNCIL_MEMBER, district_id=district.pk)
    return user


def _voting_since() -> dt.datetime:
    """Opened so long ago that nomination is over and voting runs now."""
    return timezone.now() - dt.timedelta(days=settings.VOTING_NOMINATION_DAYS + 1)


def _election(
    c: Cast, code: str, region_id: int, cadastrals: tuple[str, ...], council: User, stands: str
) -> Election:
    found = Election.objects.filter(lot__code=code).first()
    if found is not None:
        return found
    lot = Lot.objects.create(code=code, region_id=region_id, status=LotStatus.APPROVED)
    for cadastral in cadastrals:
        LotBuilding.objects.create(
            lot=lot, building=Building.objects.get(cadastral_number=cadastral)
        )
    opened = _voting_since()
    election = election_open(lot=lot, by=council, at=opened)
    company = c.mc if stands == "mc_director" else c.rival_mc
    candidate_apply(election=election, company=company, by=c.users[stands], at=opened)
    return election


def tk_election(c: Cast) -> Election:
    election = _election(
        c, TK_LOT, c.region.pk, (DEMO_A, DEMO_B), c.users["council"], "mc_director"
    )
    if not election.ballots.exists():
        ballot_cast(election=election, voter=c.users["owner"], candidate=election.candidates.get())
    return election


def sa_election(c: Cast) -> Election:
    election = _election(c, SA_LOT, c.other_region.pk, (DEMO_C,), samarkand_council(c), "rival_mc")
    if not election.ballots.exists():
        ballot_cast(
            election=election, voter=c.users["outsider"], candidate=election.candidates.get()
        )
    return election


def tk_ballot(c: Cast) -> Ballot:
    return tk_election(c).ballots.get()


def sa_ballot(c: Cast) -> Ballot:
    return sa_election(c).ballots.get()


AGENDA = [AgendaItem("Kirish yo'laklarini tozalash jadvali", QuestionKind.OTHER)]


def _meeting(c: Cast, cadastral: str, by: str, initiator: str, voter: str) -> Meeting:
    building = Building.objects.get(cadastral_number=cadastral)
    meeting = Meeting.objects.filter(building=building).first()
    if meeting is None:
        at = timezone.now() - dt.timedelta(days=settings.VOTING_MEETING_DISCUSSION_DAYS + 1)
        meeting = meeting_initiate(
            building=building, by=c.users[by], initiator=initiator, agenda=AGENDA, at=at
        )
    if not meeting.ballots.exists():
        question = meeting.questions.get()
        meeting_ballot_cast(meeting=meeting, voter=c.users[voter], choices={question.pk: "for"})
    return meeting


def tk_meeting(c: Cast) -> Meeting:
    return _meeting(c, DEMO_A, "council", MeetingInitiator.COUNCIL, "owner")


def sa_meeting(c: Cast) -> Meeting:
    """An owners' initiative of building C: the outsider holds all of its weight."""
    return _meeting(c, DEMO_C, "outsider", MeetingInitiator.OWNERS, "outsider")


def tk_meeting_ballot(c: Cast) -> MeetingBallot:
    return tk_meeting(c).ballots.get()


def sa_meeting_ballot(c: Cast) -> MeetingBallot:
    return sa_meeting(c).ballots.get()
