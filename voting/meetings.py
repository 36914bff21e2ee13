"""State changes of general meetings (DOMAIN.md "General meeting").

Every service is keyword-only and atomic, re-checks its rules under the meeting's row lock
and takes the time as ``at`` so that every window is tested at its boundaries with a fixed
clock. Refusals are ``MeetingError`` (a ``VotingError``) carrying one of the message
constants below.

The course of a meeting: initiated (an owners' initiative first collects signatures) →
open: discussion [opened_at, discussion_ends_at), then voting [discussion_ends_at,
voting_ends_at) → closed, with a decision per question.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Person, User
from accounts.permissions import roles_of
from buildings.models import Apartment, Building, Ownership
from core.ids import BadId, parse_id
from voting import chain, policies
from voting.meeting_tally import MeetingTally, meeting_tally
from voting.models import (
    QUALIFIED_KINDS,
    Choice,
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

MSG_MAY_NOT_INITIATE = {
    MeetingInitiator.OWNERS: _("Only an owner in the building may propose its general meeting."),
    MeetingInitiator.MC: _(
        "Only the director of the building's management company, while it is in the register,"
        " may call its general meeting."
    ),
    MeetingInitiator.COUNCIL: _(
        "Only a council member of the building's district may call its general meeting."
    ),
}
MSG_BAD_INITIATOR = _("A general meeting is initiated by owners, the company or the council.")
MSG_NO_AGENDA = _("The agenda needs at least one question.")
MSG_AGENDA_TOO_LONG = _("The agenda holds at most %(n)s questions.")
MSG_NO_QUESTION_TEXT = _("Question %(n)s has no text.")
MSG_QUESTION_TOO_LONG = _("Question %(n)s is longer than %(max)s characters.")
MSG_BAD_KIND = _("Question %(n)s has an unknown kind.")
MSG_BAD_RULE = _("Question %(n)s has an unknown rule.")
MSG_KIND_NEEDS_QUALIFIED = _(
    "Question %(n)s (%(kind)s) is decided by a qualified majority: two thirds of the total weight."
)
MSG_NO_ELECTORATE = _("The building has no owners in the registry: there is no one to vote.")
MSG_NOT_DRAFT = _("The initiative has already opened as a meeting.")
MSG_NOT_OWNER = _("Only a current owner in the building may sign its initiative.")
MSG_ALREADY_SIGNED = _("You have already signed this initiative.")
MSG_NOT_OPEN_YET = _("The meeting has not opened: the initiative is still collecting signatures.")
MSG_CLOSED = _("The meeting is closed.")
MSG_DISCUSSION_OVER = _("The discussion closed on %(at)s.")
MSG_NO_COMMENT_TEXT = _("Write a comment.")
MSG_COMMENT_TOO_LONG = _("A comment is at most %(n)s characters.")
MSG_NOT_VOTING_YET = _("Voting opens on %(at)s, after the discussion.")
MSG_VOTING_OVER = _("Voting closed on %(at)s.")
MSG_NOT_ELECTOR = _("You are not in this meeting's electorate.")
MSG_NOT_YOUR_APARTMENT = _("You vote only with your own shares: apartment %(number)s is not yours.")
MSG_FORGED_WEIGHT = _("The weight of a ballot is the electorate's, not the ballot's.")
MSG_NOT_ON_AGENDA = _("The ballot answers a question that is not on this meeting's agenda.")
MSG_ANSWERED_TWICE = _("The ballot answers question %(n)s more than once.")
MSG_UNANSWERED = _("Answer every question: %(numbers)s are unanswered.")
MSG_BAD_CHOICE = _("Answer question %(n)s with for, against or abstain.")
MSG_MAY_NOT_CLOSE = _(
    "A meeting is closed by its electorate, the building's company or the district's council."
)
MSG_NOT_OVER = _("The meeting can be closed once voting has ended, on %(at)s.")

MAX_QUESTIONS = 30
MAX_QUESTION_CHARS = 2000
MAX_COMMENT_CHARS = 4000


# A ballot's answers: question id (an int, or its text from a form) → "for", "against" or
# "abstain"; as a mapping, or as pairs (where a client could repeat a question).
Answers = Mapping[Any, str] | Iterable[tuple[Any, str]]


class MeetingError(VotingError):
    """A refused act of a general meeting."""


@dataclass(frozen=True)
class AgendaItem:
    """A question to put on the agenda. Without a rule, the kind decides: leases, use of
    common property and capital repair are qualified, anything else simple."""

    text: str
    kind: str = QuestionKind.OTHER
    rule: str | None = None


def _now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def _local(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%d.%m.%Y %H:%M") if at is not None else ""


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


# --- the electorate ------------------------------------------------------------------------


def _electorate(building: Building) -> tuple[list[MeetingElector], int]:
    """Every current ownership of an apartment of the building, each with its integer
    weight units (area in centi-m² × share, scaled by the lcm of the share denominators,
    as voting.services does for elections); and that scale."""
    rows = Ownership.objects.filter(until__isnull=True, apartment__building=building).values_list(
        "person_id", "apartment_id", "apartment__area_m2", "share_numerator", "share_denominator"
    )
    electors = [
        MeetingElector(
            person_id=person,
            apartment_id=apartment,
            area_m2=area,
            share_numerator=num,
            share_denominator=den,
            weight_units=0,
        )
        for person, apartment, area, num, den in rows
    ]
    scale = math.lcm(*(e.share_denominator for e in electors)) if electors else 1
    for e in electors:
        centi_m2 = int((Decimal(e.area_m2) * 100).to_integral_value())
        e.weight_units = centi_m2 * e.share_numerator * (scale // e.share_denominator)
    return electors, scale


def _open(meeting: Meeting, at: dt.datetime) -> Meeting:
    """Freeze the electorate and start the discussion, then the voting."""
    electors, scale = _electorate(meeting.building)
    if not electors:
        raise MeetingError(MSG_NO_ELECTORATE)
    meeting.status = MeetingStatus.OPEN
    meeting.opened_at = at
    meeting.discussion_ends_at = at + dt.timedelta(days=settings.VOTING_MEETING_DISCUSSION_DAYS)
    meeting.voting_ends_at = meeting.discussion_ends_at + dt.timedelta(
        days=settings.VOTING_MEETING_VOTING_DAYS
    )
    meeting.quorum_percent = settings.VOTING_QUORUM_PERCENT
    meeting.weight_scale = scale
    meeting.total_weight_units = sum(e.weight_units for e in electors)
    meeting.full_clean()
    meeting.save(
        update_fields=[
            "status",
            "opened_at",
            "discussion_ends_at",
            "voting_ends_at",
            "quorum_percent",
            "weight_scale",
            "total_weight_units",
        ]
    )
    for e in electors:
        e.meeting = meeting
    MeetingElector.objects.bulk_create(electors, batch_size=5000)
    return meeting


def initiative_reached(signed_units: int, total_units: int, percent: int) -> bool:
    """The owners' initiative: signatories holding AT LEAST ``percent`` of the weight."""
    return total_units > 0 and signed_units * 100 >= total_units * percent


def initiative_weight(meeting: Meeting) -> tuple[int, int]:
    """(the signatories' weight, the building's weight), in units of today's ownerships:
    a signatory who has since sold counts no more."""
    electors, _scale = _electorate(meeting.building)
    signed = set(meeting.signatures.values_list("person_id", flat=True))
    return (
        sum(e.weight_units for e in electors if e.person_id in signed),
        sum(e.weight_units for e in electors),
    )


def _open_if_supported(meeting: Meeting, at: dt.datetime) -> Meeting:
    signed, total = initiative_weight(meeting)
    if initiative_reached(signed, total, meeting.initiative_percent or 0):
        return _open(meeting, at)
    return meeting


# --- initiation ----------------------------------------------------------------------------


def _agenda(items: Sequence[AgendaItem]) -> list[tuple[str, str, str]]:
    """Validated (text, kind, rule) triples; a qualified kind is never decided simply."""
    if not items:
        raise MeetingError(MSG_NO_AGENDA)
    if len(items) > MAX_QUESTIONS:
        raise MeetingError(MSG_AGENDA_TOO_LONG % {"n": MAX_QUESTIONS})
    agenda = []
    for n, item in enumerate(items, start=1):
        text = (item.text or "").strip()
        if not text:
            raise MeetingError(MSG_NO_QUESTION_TEXT % {"n": n})
        if len(text) > MAX_QUESTION_CHARS:
            raise MeetingError(MSG_QUESTION_TOO_LONG % {"n": n, "max": MAX_QUESTION_CHARS})
        if item.kind not in QuestionKind.values:
            raise MeetingError(MSG_BAD_KIND % {"n": n})
        qualified = item.kind in QUALIFIED_KINDS
        rule = item.rule or (QuestionRule.QUALIFIED if qualified else QuestionRule.SIMPLE)
        if rule not in QuestionRule.values:
            raise MeetingError(MSG_BAD_RULE % {"n": n})
        if qualified and rule != QuestionRule.QUALIFIED:
            label = QuestionKind(item.kind).label
            raise MeetingError(MSG_KIND_NEEDS_QUALIFIED % {"n": n, "kind": label})
        agenda.append((text, str(item.kind), str(rule)))
    return agenda


def _person(user: User) -> Person | None:
    return roles_of(user).person


@transaction.atomic
def meeting_initiate(
    *,
    building: Building,
    by: User,
    initiator: str,
    agenda: Sequence[AgendaItem],
    at: dt.datetime | None = None,
) -> Meeting:
    """Initiate a general meeting of ``building`` with its agenda (DOMAIN.md "General
    meeting": by owners holding VOTING_MEETING_INITIATIVE_PERCENT of the weight, by the MC
    or by the council).

    - ``initiator="mc"``: the director of the building's management company, while it is
      in the register; ``"council"``: a council member of the building's district. The
      meeting opens at once.
    - ``initiator="owners"``: an owner in the building drafts it and signs first; it opens
      as soon as its signatories hold enough weight (meeting_sign), possibly at once.

    Opening freezes the electorate: discussion runs VOTING_MEETING_DISCUSSION_DAYS, then
    voting VOTING_MEETING_VOTING_DAYS.
    """
    at = _now(at)
    if initiator not in MeetingInitiator.values:
        raise MeetingError(MSG_BAD_INITIATOR)
    kind = MeetingInitiator(initiator)
    roles = roles_of(by)
    if not policies.may_initiate_meeting(roles, building, kind):
        raise MeetingError(MSG_MAY_NOT_INITIATE[kind])
    questions = _agenda(agenda)
    meeting = Meeting(
        building=building,
        initiator=kind,
        initiated_by=by,
        created_at=at,
        initiative_percent=(
            settings.VOTING_MEETING_INITIATIVE_PERCENT if kind == MeetingInitiator.OWNERS else None
        ),
    )
    meeting.full_clean()
    meeting.save()
    rows = [
        Question(meeting=meeting, order=n, text=text, kind=k, rule=rule)
        for n, (text, k, rule) in enumerate(questions, start=1)
    ]
    for row in rows:
        row.full_clean()
    Question.objects.bulk_create(rows)
    if kind != MeetingInitiator.OWNERS:
        return _open(meeting, at)
    person = roles.person
    assert person is not None  # an owner has a person (policies.building_owner_q)
    MeetingSignature.objects.create(meeting=meeting, person=person, signed_by=by, signed_at=at)
    return _open_if_supported(meeting, at)


@transaction.atomic
def meeting_sign(*, meeting: Meeting, by: User, at: dt.datetime | None = None) -> MeetingSignature:
    """An owner in the building co-signs an owners' initiative; the meeting opens when the
    signatories hold at least the initiative's threshold of the building's weight (exact
    integer arithmetic: signed × 100 ≥ total × percent)."""
    at = _now(at)
    meeting = _lock(meeting)
    if meeting.status != MeetingStatus.DRAFT:
        raise MeetingError(MSG_NOT_DRAFT)
    roles = roles_of(by)
    if roles.person is None or not policies.may_sign_meeting(roles, meeting):
        raise MeetingError(MSG_NOT_OWNER)
    try:
        with transaction.atomic():
            signature = MeetingSignature.objects.create(
                meeting=meeting, person=roles.person, signed_by=by, signed_at=at
            )
    except IntegrityError:
        raise MeetingError(MSG_ALREADY_SIGNED) from None
    _open_if_supported(meeting, at)
    return signature


# --- the discussion ------------------------------------------------------------------------


def _check_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.DRAFT:
        raise MeetingError(MSG_NOT_OPEN_YET)
    if meeting.status != MeetingStatus.OPEN:
        raise MeetingError(MSG_CLOSED)


def voter_weight(meeting: Meeting, person: Person) -> int:
    return sum(
        MeetingElector.objects.filter(meeting=meeting, person=person).values_list(
            "weight_units", flat=True
        )
    )


@transaction.atomic
def meeting_comment(
    *, meeting: Meeting, by: User, text: str, at: dt.datetime | None = None
) -> Comment:
    """An owner of the electorate comments during the discussion, which ends when voting
    begins."""
    at = _now(at)
    meeting = _lock(meeting)
    _check_open(meeting)
    assert meeting.discussion_ends_at is not None  # an open meeting has its windows
    if at >= meeting.discussion_ends_at:
        raise MeetingError(MSG_DISCUSSION_OVER % {"at": _local(meeting.discussion_ends_at)})
    person = _person(by)
    if person is None or voter_weight(meeting, person) == 0:
        raise MeetingError(MSG_NOT_ELECTOR)
    body = (text or "").strip()
    if not body:
        raise MeetingError(MSG_NO_COMMENT_TEXT)
    if len(body) > MAX_COMMENT_CHARS:
        raise MeetingError(MSG_COMMENT_TOO_LONG % {"n": MAX_COMMENT_CHARS})
    comment = Comment(meeting=meeting, person=person, text=body, at=at)
    comment.full_clean()
    comment.save()
    return comment


# --- ballots -------------------------------------------------------------------------------


def _choices(meeting: Meeting, given: Answers) -> dict[str, str]:
    """The ballot's answers as question id (text) → choice, each question of the agenda
    answered exactly once with for, against or abstain."""
    pairs = list(given.items()) if isinstance(given, Mapping) else list(given)
    agenda = dict(meeting.questions.values_list("pk", "order"))
    answers: dict[str, str] = {}
    for key, choice in pairs:
        try:
            qid = parse_id(key)
        except BadId:
            raise MeetingError(MSG_NOT_ON_AGENDA) from None
        if qid not in agenda:
            raise MeetingError(MSG_NOT_ON_AGENDA)
        if str(qid) in answers:
            raise MeetingError(MSG_ANSWERED_TWICE % {"n": agenda[qid]})
        if choice not in Choice.values:
            raise MeetingError(MSG_BAD_CHOICE % {"n": agenda[qid]})
        answers[str(qid)] = str(choice)
    missing = sorted(order for qid, order in agenda.items() if str(qid) not in answers)
    if missing:
        raise MeetingError(MSG_UNANSWERED % {"numbers": ", ".join(map(str, missing))})
    return answers


@transaction.atomic
def meeting_ballot_cast(
    *,
    meeting: Meeting,
    voter: User,
    choices: Answers,
    apartments: Iterable[Apartment] | None = None,
    weight_units: int | None = None,
    at: dt.datetime | None = None,
) -> MeetingBallot:
    """An owner of the electorate answers every question of the agenda (for / against /
    abstain) during the voting window, with the weight of all their shares in the
    building as frozen at opening; they may vote again until the close (the last ballot
    counts). ``apartments`` and ``weight_units``, where a client sends them, are checked
    against the electorate and never trusted. The ballot is appended to the meeting's hash
    chain under the meeting's row lock, so concurrent ballots get consecutive entries; a
    refused ballot leaves the chain as it was."""
    at = _now(at)
    meeting = _lock(meeting)
    _check_open(meeting)
    assert meeting.discussion_ends_at is not None
    assert meeting.voting_ends_at is not None
    if at < meeting.discussion_ends_at:
        raise MeetingError(MSG_NOT_VOTING_YET % {"at": _local(meeting.discussion_ends_at)})
    if at >= meeting.voting_ends_at:
        raise MeetingError(MSG_VOTING_OVER % {"at": _local(meeting.voting_ends_at)})
    person = _person(voter)
    weight = voter_weight(meeting, person) if person is not None else 0
    if person is None or weight == 0:
        raise MeetingError(MSG_NOT_ELECTOR)
    if apartments is not None:
        own = set(
            MeetingElector.objects.filter(meeting=meeting, person=person).values_list(
                "apartment_id", flat=True
            )
        )
        for apartment in apartments:
            if apartment.pk not in own:
                raise MeetingError(MSG_NOT_YOUR_APARTMENT % {"number": apartment.number})
    if weight_units is not None and weight_units != weight:
        raise MeetingError(MSG_FORGED_WEIGHT)
    answers = _choices(meeting, choices)
    last = meeting.ballots.order_by("-seq").values_list("seq", "hash").first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, chain.meeting_genesis(meeting.pk))
    ref = chain.meeting_voter_ref(meeting.pk, person.pk)
    encoded = chain.meeting_canonical(
        meeting_id=meeting.pk,
        seq=seq,
        voter=ref,
        choices=answers,
        weight_units=weight,
        weight_scale=meeting.weight_scale,
        cast_at=at,
    )
    return MeetingBallot.objects.create(
        meeting=meeting,
        seq=seq,
        person=person,
        voter_ref=ref,
        choices=answers,
        weight_units=weight,
        cast_at=at,
        receipt=chain.receipt_code(),
        prev_hash=prev,
        hash=chain.entry_hash(prev, encoded),
    )


# --- closing -------------------------------------------------------------------------------


@transaction.atomic
def meeting_close(*, meeting: Meeting, by: User | None, at: dt.datetime | None = None) -> Meeting:
    """Close after the voting window (a party of the meeting, or the beat task with
    ``by=None``) and decide every question (DOMAIN.md "General meeting"; the arithmetic is
    voting.meeting_tally's): quorum is more than VOTING_QUORUM_PERCENT of the total weight,
    and without it nothing passes; a simple question passes with more than half of the
    participating weight, a qualified one with at least two thirds of the total weight.
    The result and the chain's head are published; each question gets its Decision."""
    at = _now(at)
    meeting = _lock(meeting)
    if by is not None and not policies.may_close_meeting(roles_of(by), meeting):
        raise MeetingError(MSG_MAY_NOT_CLOSE)
    _check_open(meeting)
    assert meeting.voting_ends_at is not None
    if at < meeting.voting_ends_at:
        raise MeetingError(MSG_NOT_OVER % {"at": _local(meeting.voting_ends_at)})
    counted: MeetingTally = meeting_tally(meeting)
    head = meeting.ballots.order_by("-seq").values_list("hash", flat=True).first()
    meeting.head_hash = head or chain.meeting_genesis(meeting.pk)
    meeting.result = counted.as_dict()
    meeting.closed_at = at
    meeting.closed_by = by
    meeting.status = MeetingStatus.CLOSED
    meeting.full_clean()
    meeting.save(update_fields=["head_hash", "result", "closed_at", "closed_by", "status"])
    decisions = [
        Decision(
            meeting=meeting,
            question=question,
            building_id=meeting.building_id,
            kind=question.kind,
            rule=question.rule,
            passed=counted.passed(question.pk),
            decided_at=at,
        )
        for question in meeting.questions.order_by("order")
    ]
    for decision in decisions:
        decision.full_clean()
    Decision.objects.bulk_create(decisions)
    return meeting


def meetings_due(at: dt.datetime | None = None) -> list[int]:
    """Open meetings whose voting window has ended (for a beat task)."""
    return list(
        Meeting.objects.filter(status=MeetingStatus.OPEN, voting_ends_at__lte=_now(at))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- notifications -------------------------------------------------------------------------

MSG_MEETING_VOTING_SUBJECT = _("Voting has opened: general meeting of %(address)s")
MSG_MEETING_VOTING_BODY = _(
    "Voting in the general meeting of %(address)s is open until %(at)s. "
    "Vote at Mening Uyim, under “Votes”."
)
MSG_MEETING_CLOSING_SUBJECT = _("Two days left to vote: general meeting of %(address)s")
MSG_MEETING_CLOSING_BODY = _(
    "The general meeting of %(address)s closes on %(at)s. "
    "You may vote, or change your ballot, until then."
)


def meetings_notify(at: dt.datetime | None = None) -> int:
    """Tell a meeting's electorate when voting opens (after the discussion) and two days
    before it closes, as for elections (voting.services.elections_notify): once per
    person and message, however often it runs."""
    from voting.services import CLOSING_NOTICE, electorate_tell

    at = _now(at)
    told = 0
    voting = Meeting.objects.filter(status=MeetingStatus.OPEN, discussion_ends_at__lte=at)
    for meeting in voting.select_related("building").order_by("pk"):
        assert meeting.voting_ends_at is not None
        people = Person.objects.filter(
            pk__in=MeetingElector.objects.filter(meeting=meeting).values("person_id")
        )
        facts = {"address": meeting.building.address, "at": _local(meeting.voting_ends_at)}
        told += electorate_tell(
            people=people,
            key=f"meeting:{meeting.pk}:voting",
            subject=MSG_MEETING_VOTING_SUBJECT,
            body=MSG_MEETING_VOTING_BODY,
            facts=facts,
        )
        if at >= meeting.voting_ends_at - CLOSING_NOTICE:
            told += electorate_tell(
                people=people,
                key=f"meeting:{meeting.pk}:closing",
                subject=MSG_MEETING_CLOSING_SUBJECT,
                body=MSG_MEETING_CLOSING_BODY,
                facts=facts,
            )
    return told
