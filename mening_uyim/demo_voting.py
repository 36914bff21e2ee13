"""The demo's votes (DOMAIN.md "Voting"), made through voting's own services with past
times (``at=``), so that every persona finds a working example at once:

- **the lot of building A** held its election: opened by the ``council`` persona
  nomination + voting + ELECTION_MARGIN_DAYS days ago, the personas' MC and the rival
  standing; owner, co_owner (who changed her ballot) and neighbour voted, with the other
  owners of the lot with the largest weights, just enough of them for the quorum and a
  margin (casting a ballot for every one of the lot's thousands of owners would make
  `make run` slow); a third of them for the rival. The council persona closed it at the
  end of voting: results, board and protocol are public, and the personas' MC won and
  manages the lot;
- **building A** has a closed general meeting (called by the council persona, closed by
  the beat task's path) whose qualified lease passed and whose capital repair did not; an
  open meeting called by the MC, in its voting window now, where owner and co_owner have
  not voted yet; and an owners' initiative collecting signatures, which owner and
  co_owner can co-sign (the owner persona's signature does not reach the threshold);
- **a lot in election** (``demo_open_election_ensure``; a spare draft of mening_uyim.demo_lots,
  in Tashkent city at the demo scale) approved by its councils, whose election one of them
  opened so that voting began a third of the voting window ago: the personas' MC and the
  rival stand (their directors see their candidacy), OPEN_ELECTION_BALLOTS owners with
  the largest weights voted, and the owner with the next largest weight has the login
  VOTER_EMAIL (the demo password) and has not voted yet: it can sign in and vote. No
  persona owner can be in that lot (owner, co_owner and neighbour are in building A's
  managed lot, the outsider in building C's, which demo_reports needs managed).

Buildings A and B get an owner in every flat first (through the Turar-Joy importer), and
the owners who vote get logins that cannot sign in. Every function checks what exists
first: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from fractions import Fraction

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone

from accounts.models import Person, User
from accounts.services import person_login_link
from buildings.generator.names import FEMALE, MALE, PATRONYMIC, SURNAMES
from buildings.models import Building, Ownership
from buildings.turarjoy import turar_joy_import
from lots.errors import LotError
from lots.models import Lot, LotStatus
from mening_uyim.demo import DEMO_A, DEMO_B, Cast, demo_building_record
from mening_uyim.demo_lots import election_opened, spare_draft
from mening_uyim.demo_texts import (
    CLOSED_AGENDA,
    CLOSED_COMMENTS,
    INITIATIVE_AGENDA,
    OPEN_AGENDA,
    OPEN_COMMENTS,
)
from voting.meetings import (
    meeting_ballot_cast,
    meeting_close,
    meeting_comment,
    meeting_initiate,
    meeting_sign,
)
from voting.models import (
    Candidate,
    Election,
    ElectionStatus,
    Elector,
    Meeting,
    MeetingInitiator,
    Outcome,
)
from voting.services import VotingError, ballot_cast, candidate_apply, election_close, election_open

Say = Callable[[str], None]

ELECTION_MARGIN_DAYS = 3  # the election closed this many days ago
QUORUM_MARGIN_PERCENT = 2  # voters are added until the quorum is passed by this much
CLOSED_MEETING_AGO_DAYS = 30  # the closed meeting's voting ended this many days ago
OPEN_ELECTION_BALLOTS = 40  # ballots already cast in the open election
VOTER_EMAIL = "saylovchi@demo.uz"  # a demo owner of the lot in election, who can sign in
LOGIN_EMAIL = "mulkdor-{pinfl}@demo.uz"
_OWNERS_SINCE = "2014-09-01"
_BUILDING_CODE = {DEMO_A: 1, DEMO_B: 2}


def _lot_of_a() -> Lot | None:
    return Lot.objects.filter(members__building__cadastral_number=DEMO_A).first()


def _spread(start: dt.datetime, end: dt.datetime, n: int) -> list[dt.datetime]:
    """``n`` moments strictly inside [start, end), in order."""
    step = (end - start) / (n + 1)
    return [start + step * (k + 1) for k in range(n)]


# --- owners and their logins ------------------------------------------------------------------


def _neighbour(cadastral: str, number: int) -> dict[str, str]:
    """A made-up owner of flat ``number`` (names from the national generator's lists; a
    valid PINFL whose serial part ``99bff00`` no generated person has)."""
    female = number % 2 == 0
    surname = SURNAMES[(number * 7 + _BUILDING_CODE[cadastral]) % len(SURNAMES)]
    first = (FEMALE if female else MALE)[(number * 5) % len(FEMALE if female else MALE)]
    father = MALE[(number * 3 + 1) % len(MALE)]
    name = f"{surname}{'a' if female else ''} {first} {father} {PATRONYMIC[female]}"
    born = dt.date(1950 + number % 40, 1 + number % 12, 1 + (number * 3) % 28)
    pinfl = f"{4 if female else 3}{born:%d%m%y}99{_BUILDING_CODE[cadastral]}{number:02d}00"
    return {"pinfl": pinfl, "full_name": name, "share": "1"}


def demo_owners_ensure(*, say: Say) -> None:
    """Every flat of buildings A and B gets an owner: the Turar-Joy records of A and B
    again, now listing an owner for each flat that has none (idempotent: the importer
    changes nothing for the same owners, and it is skipped once every flat has one)."""
    buildings = list(Building.objects.filter(cadastral_number__in=_BUILDING_CODE))
    owned = set(
        Ownership.objects.filter(until__isnull=True, apartment__building__in=buildings)
        .values_list("apartment_id", flat=True)
        .distinct()
    )
    if all(set(b.apartments.values_list("pk", flat=True)) <= owned for b in buildings):
        return
    lines = []
    for cadastral in _BUILDING_CODE:
        record = demo_building_record(cadastral)
        for flat in record["apartments"]:
            if "owners" not in flat:
                flat["owners"] = [_neighbour(cadastral, int(flat["number"]))]
                flat["owners_since"] = _OWNERS_SINCE
        lines.append(json.dumps(record))
    report = turar_joy_import(lines=lines)
    if not report.ok:
        raise RuntimeError(f"demo owners are invalid: {report.errors}")
    say("buildings A and B have an owner in every flat")


def _logins(person_ids: Sequence[int]) -> dict[int, User]:
    """The login of each person, creating the missing ones. Demo voters are not demo
    logins: their passwords are unusable (only the personas sign in), and they are made in
    bulk (a login per owner of a lot is thousands of rows; bench/ballots.py does the same)."""
    missing = Person.objects.filter(pk__in=person_ids, user__isnull=True)
    emails = [LOGIN_EMAIL.format(pinfl=pinfl) for pinfl in missing.values_list("pinfl", flat=True)]
    if emails:
        taken = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        User.objects.bulk_create(
            [User(email=e, password=make_password(None)) for e in emails if e not in taken],
            batch_size=1000,
        )
        prefix, suffix = LOGIN_EMAIL.split("{pinfl}")
        email = Concat(Value(prefix), OuterRef("pinfl"), Value(suffix), output_field=CharField())
        missing.update(user_id=Subquery(User.objects.filter(email=email).values("pk")[:1]))
    rows = Person.objects.filter(pk__in=person_ids).select_related("user")
    return {p.pk: p.user for p in rows if p.user is not None}


# --- the lot election -------------------------------------------------------------------------


def _candidates(
    election: Election, cast: Cast, opened: dt.datetime, nomination: dt.timedelta
) -> tuple[Candidate, Candidate]:
    """The personas' MC and the rival stand, a quarter and a half into the nomination."""
    ours = candidate_apply(
        election=election,
        company=cast.mc,
        by=cast.users["mc_director"],
        at=opened + nomination / 4,
    )
    rival = candidate_apply(
        election=election,
        company=cast.rival_mc,
        by=cast.users["rival_mc"],
        at=opened + nomination / 2,
    )
    return ours, rival


def _voters(election: Election, first: Sequence[int]) -> list[int]:
    """``first`` (the personas), then the other electors by weight, largest first, until
    the participating weight passes the quorum by QUORUM_MARGIN_PERCENT."""
    weights: dict[int, int] = defaultdict(int)
    for person_id, units in Elector.objects.filter(election=election).values_list(
        "person_id", "weight_units"
    ):
        weights[person_id] += units
    chosen = [p for p in first if weights.get(p)]
    got = sum(weights[p] for p in chosen)
    target = election.total_weight_units * min(100, election.quorum_percent + QUORUM_MARGIN_PERCENT)
    for person_id in sorted(weights, key=lambda p: (-weights[p], p)):
        if got * 100 > target:
            break
        if person_id not in chosen:
            chosen.append(person_id)
            got += weights[person_id]
    return chosen


@transaction.atomic
def demo_election_ensure(*, cast: Cast, say: Say) -> None:
    """The lot of building A holds a closed election that the personas' MC won (see the
    module docstring; idempotent: only while the lot is approved and has no election)."""
    lot = _lot_of_a()
    if lot is None:
        return
    held = Election.objects.filter(lot=lot).order_by("pk").first()
    if held is not None:
        if held.status == ElectionStatus.OPEN:  # demo data of an earlier version
            say(f"lot {lot.code} still holds election #{held.pk}: remove var/ for today's demo")
        return
    if lot.status != LotStatus.APPROVED:
        say(f"no demo election: lot {lot.code} is {lot.get_status_display()}")
        return
    council = cast.users["council"]
    nomination = dt.timedelta(days=settings.VOTING_NOMINATION_DAYS)
    opened = timezone.now() - dt.timedelta(
        days=settings.VOTING_NOMINATION_DAYS + settings.VOTING_ELECTION_DAYS + ELECTION_MARGIN_DAYS
    )
    try:
        election = election_open(lot=lot, by=council, at=opened)
        ours, rival = _candidates(election, cast, opened, nomination)
    except VotingError as exc:
        say(f"no demo election: {exc.message}")
        return
    persona = {k: cast.users[k].person.pk for k in ("owner", "co_owner", "neighbour")}
    people = _voters(election, list(persona.values()))
    logins = _logins(people)
    others = [p for p in people if p not in persona.values()]
    plan: list[tuple[int, Candidate]] = [
        (p, rival if i % 3 == 2 else ours) for i, p in enumerate(others)
    ]
    # The personas vote early (their receipts are on the board's first page); the
    # co-owner first votes for the rival and changes her mind halfway: the last ballot counts.
    for index, key, choice in ((1, "owner", ours), (3, "co_owner", rival), (6, "neighbour", rival)):
        if persona[key] in people:
            plan.insert(index, (persona[key], choice))
    if persona["co_owner"] in people:
        plan.insert(len(plan) // 2, (persona["co_owner"], ours))
    times = _spread(election.nomination_ends_at, election.voting_ends_at, len(plan))
    for (person_id, candidate), at in zip(plan, times, strict=True):
        ballot_cast(election=election, voter=logins[person_id], candidate=candidate, at=at)
    election = election_close(election=election, by=council, at=election.voting_ends_at)
    if election.outcome != Outcome.WINNER or election.winner_id != cast.mc.pk:
        say(f"demo election #{election.pk}: the personas' MC did not win ({election.outcome})")
        return
    say(
        f"election #{election.pk} of lot {lot.code} closed: {len(plan)} ballots, "
        f"{cast.mc.name} manages the lot"
    )


# --- an open election -------------------------------------------------------------------------


def _open_election(lot: Lot, cast: Cast, password: str) -> tuple[Election, int, bool]:
    """Approval, the election opened, two candidates, the first ballots, the voter's login."""
    nomination = dt.timedelta(days=settings.VOTING_NOMINATION_DAYS)
    now = timezone.now()
    opened = now - nomination - dt.timedelta(days=settings.VOTING_ELECTION_DAYS) / 3
    election = election_opened(lot=lot, cast=cast, password=password, at=opened)
    ours, rival = _candidates(election, cast, opened, nomination)
    weights: dict[int, int] = defaultdict(int)
    for person_id, units in Elector.objects.filter(election=election).values_list(
        "person_id", "weight_units"
    ):
        weights[person_id] += units
    people = sorted(weights, key=lambda p: (-weights[p], p))
    voters = people[:OPEN_ELECTION_BALLOTS]
    logins = _logins(voters)
    times = _spread(election.nomination_ends_at, now, len(voters))
    for i, (person_id, at) in enumerate(zip(voters, times, strict=True)):
        choice = rival if i % 3 == 2 else ours
        ballot_cast(election=election, voter=logins[person_id], candidate=choice, at=at)
    rest = people[OPEN_ELECTION_BALLOTS:]
    free = set(Person.objects.filter(pk__in=rest, user__isnull=True).values_list("pk", flat=True))
    chosen = next((p for p in rest if p in free), None)
    linked = chosen is not None and not User.objects.filter(email=VOTER_EMAIL).exists()
    if chosen is not None and linked:
        voter = User.objects.create_user(email=VOTER_EMAIL, password=password)
        person = Person.objects.get(pk=chosen)
        person_login_link(person=person, user=voter, by=cast.users["admin"], reason="Demo")
    return election, len(voters), linked


@transaction.atomic
def demo_open_election_ensure(*, cast: Cast, password: str, say: Say) -> None:
    """A lot in election with an open election (see the module docstring). Idempotent:
    nothing while a lot is in election, or when no draft is spare."""
    if Lot.objects.filter(status=LotStatus.ELECTION).exists():
        return
    lot = spare_draft(cast)
    if lot is None:
        return
    try:
        with transaction.atomic():
            election, ballots, linked = _open_election(lot, cast, password)
    except (LotError, VotingError) as exc:
        say(f"lot {lot.code} holds no open election: {exc.message}")
        return
    until = f"{timezone.localtime(election.voting_ends_at):%d.%m.%Y}"
    voter = f"{VOTER_EMAIL} can vote" if linked else f"{VOTER_EMAIL} not linked"
    say(f"election #{election.pk} of lot {lot.code} open until {until}: {ballots} ballots, {voter}")


# --- general meetings of building A -----------------------------------------------------------


def _owners_of(building: Building) -> list[int]:
    """The building's current owners, in the order of their flats."""
    rows = Ownership.objects.filter(until__isnull=True, apartment__building=building).values_list(
        "apartment__number", "person_id"
    )
    people: list[int] = []
    for _number, person_id in sorted(rows, key=lambda r: (int(r[0]), r[1])):
        if person_id not in people:
            people.append(person_id)
    return people


def _comment(
    meeting: Meeting, logins: dict[int, User], people: list[int], texts: Sequence[str]
) -> None:
    """Owners of ``people`` post ``texts`` during the discussion, spread over it."""
    assert meeting.opened_at is not None
    assert meeting.discussion_ends_at is not None
    times = _spread(meeting.opened_at, meeting.discussion_ends_at, len(texts))
    for k, (text, at) in enumerate(zip(texts, times, strict=True)):
        author = logins[people[(k * 7 + 3) % len(people)]]
        meeting_comment(meeting=meeting, by=author, text=text, at=at)


def _answers(meeting: Meeting, choices: Sequence[str]) -> dict[int, str]:
    questions = list(meeting.questions.order_by("order").values_list("pk", flat=True))
    return dict(zip(questions, choices, strict=True))


def _closed_meeting(building: Building, cast: Cast, people: list[int], say: Say) -> None:
    """Called by the council persona, discussed, voted by most owners (the personas
    too) and closed by the beat task's path (``by=None``) CLOSED_MEETING_AGO_DAYS ago:
    the qualified lease passes (a lease contract can rest on it), the simple question
    passes, the qualified capital repair falls short of two thirds of the total weight."""
    start = timezone.now() - dt.timedelta(
        days=settings.VOTING_MEETING_DISCUSSION_DAYS
        + settings.VOTING_MEETING_VOTING_DAYS
        + CLOSED_MEETING_AGO_DAYS
    )
    meeting = meeting_initiate(
        building=building,
        by=cast.users["council"],
        initiator="council",
        agenda=CLOSED_AGENDA,
        at=start,
    )
    logins = _logins(people)
    personas = {cast.users["owner"].pk, cast.users["co_owner"].pk}
    if settings.VOTING_MEETING_DISCUSSION_DAYS:
        others = [p for p in people if logins[p].pk not in personas]
        _comment(meeting, logins, others, CLOSED_COMMENTS)
    plan = []
    for i, person_id in enumerate(people):
        voter = logins[person_id]
        if voter.pk in personas:
            plan.append((voter, ("for", "for", "against")))
        elif i % 6 != 5:  # one owner in six stays away
            lease = "against" if i % 10 == 3 else "abstain" if i % 10 == 7 else "for"
            council = "against" if i % 4 == 1 else "for"
            repair = "for" if i % 2 == 0 else "against" if i % 3 else "abstain"
            plan.append((voter, (lease, council, repair)))
    assert meeting.discussion_ends_at is not None
    assert meeting.voting_ends_at is not None
    times = _spread(meeting.discussion_ends_at, meeting.voting_ends_at, len(plan))
    for (voter, choices), at in zip(plan, times, strict=True):
        meeting_ballot_cast(meeting=meeting, voter=voter, choices=_answers(meeting, choices), at=at)
    meeting = meeting_close(meeting=meeting, by=None, at=meeting.voting_ends_at)
    passed = meeting.decisions.filter(passed=True).count()
    say(f"meeting #{meeting.pk} of building A closed: {passed} of {len(CLOSED_AGENDA)} passed")


def _open_meeting(building: Building, cast: Cast, people: list[int], say: Say) -> None:
    """Called by the MC's director a day more than the discussion ago: voting began a day
    ago. About a third of the owners voted already; owner and co_owner have not."""
    now = timezone.now()
    start = now - dt.timedelta(days=settings.VOTING_MEETING_DISCUSSION_DAYS + 1)
    meeting = meeting_initiate(
        building=building,
        by=cast.users["mc_director"],
        initiator="mc",
        agenda=OPEN_AGENDA,
        at=start,
    )
    logins = _logins(people)
    personas = {cast.users["owner"].pk, cast.users["co_owner"].pk}
    others = [p for p in people if logins[p].pk not in personas]
    if settings.VOTING_MEETING_DISCUSSION_DAYS:
        _comment(meeting, logins, others, OPEN_COMMENTS)
    voted = [p for i, p in enumerate(others) if i % 3 == 0]
    assert meeting.discussion_ends_at is not None
    assert meeting.voting_ends_at is not None
    times = _spread(meeting.discussion_ends_at, min(now, meeting.voting_ends_at), len(voted))
    for k, (person_id, at) in enumerate(zip(voted, times, strict=True)):
        choices = ("for", "for" if k % 4 else "abstain", "against" if k % 5 == 2 else "for")
        meeting_ballot_cast(
            meeting=meeting, voter=logins[person_id], choices=_answers(meeting, choices), at=at
        )
    say(f"meeting #{meeting.pk} of building A is open for voting ({len(voted)} ballots so far)")


def _weights_m2(building: Building) -> dict[int, Fraction]:
    """Each current owner's weight in the building, in m² (area × share)."""
    weights: dict[int, Fraction] = defaultdict(Fraction)
    for person_id, area, num, den in Ownership.objects.filter(
        until__isnull=True, apartment__building=building
    ).values_list("person_id", "apartment__area_m2", "share_numerator", "share_denominator"):
        weights[person_id] += Fraction(area) * num / den
    return weights


def _initiative(building: Building, cast: Cast, people: list[int], say: Say) -> None:
    """An owner of one of the smallest flats drafts it and a neighbour co-signs, if
    together with the owner persona they stay below VOTING_MEETING_INITIATIVE_PERCENT of
    the weight: owner and co_owner can both sign it, and it keeps collecting signatures."""
    now = timezone.now()
    logins = _logins(people)
    weights = _weights_m2(building)
    personas = [cast.users[k].person.pk for k in ("owner", "co_owner")]
    small = sorted((p for p in people if p not in personas), key=lambda p: (weights[p], p))
    meeting = meeting_initiate(
        building=building,
        by=logins[small[0]],
        initiator="owners",
        agenda=INITIATIVE_AGENDA,
        at=now - dt.timedelta(days=3),
    )
    with_cosigner = weights[small[0]] + weights[small[1]] + weights[personas[0]]
    if with_cosigner * 100 < sum(weights.values()) * (meeting.initiative_percent or 0):
        meeting_sign(meeting=meeting, by=logins[small[1]], at=now - dt.timedelta(days=2))
    say(f"initiative #{meeting.pk} of building A collects signatures")


@transaction.atomic
def demo_meetings_ensure(*, cast: Cast, say: Say) -> None:
    """Building A's general meetings (see the module docstring): one of each initiator,
    each made only while building A has no meeting by that initiator."""
    building = Building.objects.get(cadastral_number=DEMO_A)
    people = _owners_of(building)
    made = set(Meeting.objects.filter(building=building).values_list("initiator", flat=True))
    steps = (
        (MeetingInitiator.COUNCIL, _closed_meeting),
        (MeetingInitiator.MC, _open_meeting),
        (MeetingInitiator.OWNERS, _initiative),
    )
    for initiator, make in steps:
        if initiator in made:
            continue
        try:
            with transaction.atomic():
                make(building, cast, people, say)
        except VotingError as exc:
            say(f"no demo meeting by {initiator}: {exc.message}")
