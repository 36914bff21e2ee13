"""State changes of lot elections (DOMAIN.md "Voting"). Every service is atomic and
re-checks its rules under the election's row lock; times are passed in (``at``) so that
every window is tested at its boundaries with a fixed clock."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Person, User
from accounts.permissions import roles_of
from buildings.models import Ownership
from lots.errors import LotError
from lots.models import Lot
from lots.services import lot_election_begin, lot_manager_set
from organizations.eligibility import failing_requirements
from organizations.models import ManagementCompany, RegisterStatus
from voting import chain, policies
from voting.models import (
    Ballot,
    Candidate,
    Election,
    ElectionStatus,
    Elector,
    InterimAppointment,
    Outcome,
)
from voting.tally import Tally, tally

MSG_NOT_COUNCIL = _("Only a council of a district with buildings in the lot may do this.")
MSG_OPEN_ALREADY = _("This lot already has an open election.")
MSG_NO_ELECTORATE = _("The lot has no owners in the registry: there is no one to vote.")
MSG_NOT_DIRECTOR = _("A company stands in an election through its director.")
MSG_NOT_REGISTERED = _("Only a company in the register can stand; this one is %(status)s.")
MSG_INELIGIBLE = _("The company does not meet the minimum requirements: %(failing)s.")
MSG_NOMINATION_OVER = _("The nomination window closed on %(at)s.")
MSG_ALREADY_CANDIDATE = _("The company already stands in this election.")
MSG_CLOSED = _("The election is closed.")
MSG_NOT_VOTING_YET = _("Voting opens on %(at)s.")
MSG_VOTING_OVER = _("Voting closed on %(at)s.")
MSG_NOT_ELECTOR = _("You are not in this election's electorate.")
MSG_NOT_CANDIDATE = _("This company is not a candidate in this election.")
MSG_FORGED_WEIGHT = _("The weight of a ballot is the electorate's, not the ballot's.")
MSG_NOT_OVER = _("The election can be closed once voting has ended, on %(at)s.")
MSG_NOT_AWAITING_INTERIM = _(
    "An interim company is appointed only after an election without quorum or candidates."
)
MSG_INTERIM_NOT_REGISTERED = _("The interim company must be in the register.")
MSG_NO_REASON = _("Give the reason for the appointment.")


class VotingError(Exception):
    def __init__(self, message: object) -> None:
        self.message = str(message)
        super().__init__(self.message)


def _now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def _local(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%d.%m.%Y %H:%M")


# The election's row, read again under its row lock: what select_for_update().get() reads,
# in plain SQL (RawQuerySet converts the columns as the ORM does), because every ballot
# takes this lock and building the ORM's query cost twice the query. SQLite has no
# FOR UPDATE: its IMMEDIATE transactions (settings) lock the database for the writer.
LOCK_SQL = "SELECT * FROM voting_election WHERE id = %s"


def _lock(election: Election) -> Election:
    if connection.get_autocommit():  # as select_for_update: a lock outside a transaction
        raise TransactionManagementError("the election is locked inside a transaction")
    sql = LOCK_SQL + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    locked = next(iter(Election.objects.raw(sql, [election.pk])), None)
    if locked is None:
        raise Election.DoesNotExist(election.pk)
    return locked


# --- opening and the electorate -------------------------------------------------------


def _electorate(lot: Lot) -> list[Elector]:
    """The snapshot: every current ownership of an apartment of the lot."""
    rows = Ownership.objects.filter(
        until__isnull=True, apartment__building__lot_membership__lot=lot
    ).values_list(
        "person_id",
        "apartment_id",
        "apartment__building_id",
        "apartment__area_m2",
        "share_numerator",
        "share_denominator",
    )
    return [
        Elector(
            person_id=person,
            apartment_id=apartment,
            building_id=building,
            area_m2=area,
            share_numerator=num,
            share_denominator=den,
            weight_units=0,
        )
        for person, apartment, building, area, num, den in rows
    ]


def _weigh(electors: list[Elector]) -> int:
    """Give every elector integer weight units; return the scale (voting.models)."""
    scale = math.lcm(*(e.share_denominator for e in electors)) if electors else 1
    for e in electors:
        centi_m2 = int((Decimal(e.area_m2) * 100).to_integral_value())
        e.weight_units = centi_m2 * e.share_numerator * (scale // e.share_denominator)
    return scale


def _election_create(
    *,
    lot: Lot,
    by: User | None,
    at: dt.datetime,
    nomination_days: int,
    electors: list[Elector],
    scale: int,
    runoff_of: Election | None = None,
) -> Election:
    election = Election(
        lot=lot,
        runoff_of=runoff_of,
        opened_by=by,
        opened_at=at,
        nomination_ends_at=at + dt.timedelta(days=nomination_days),
        voting_ends_at=at + dt.timedelta(days=nomination_days + settings.VOTING_ELECTION_DAYS),
        quorum_percent=settings.VOTING_QUORUM_PERCENT,
        weight_scale=scale,
        total_weight_units=sum(e.weight_units for e in electors),
    )
    election.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            election.save()
    except IntegrityError:  # one open election per lot (a database constraint)
        raise VotingError(MSG_OPEN_ALREADY) from None
    for e in electors:
        e.pk = None
        e.election = election
    Elector.objects.bulk_create(electors, batch_size=5000)
    return election


@transaction.atomic
def election_open(*, lot: Lot, by: User, at: dt.datetime | None = None) -> Election:
    """A council of the lot opens the election of its management company (DOMAIN.md):
    the lot must be approved (or in re-election); the electorate and every owner's weight
    (area × share) are frozen now; nomination runs for VOTING_NOMINATION_DAYS, then voting
    for VOTING_ELECTION_DAYS."""
    at = _now(at)
    if not policies.may_run(roles_of(by), lot):
        raise VotingError(MSG_NOT_COUNCIL)
    if Election.objects.filter(lot=lot, status=ElectionStatus.OPEN).exists():
        raise VotingError(MSG_OPEN_ALREADY)
    try:
        lot = lot_election_begin(lot=lot, by=by, at=at)
    except LotError as exc:
        raise VotingError(exc.message) from None
    electors = _electorate(lot)
    if not electors:
        raise VotingError(MSG_NO_ELECTORATE)
    scale = _weigh(electors)
    return _election_create(
        lot=lot,
        by=by,
        at=at,
        nomination_days=settings.VOTING_NOMINATION_DAYS,
        electors=electors,
        scale=scale,
    )


@transaction.atomic
def candidate_apply(
    *, election: Election, company: ManagementCompany, by: User, at: dt.datetime | None = None
) -> Candidate:
    """A registered MC that meets the minimum requirements stands, during nomination.
    The refusal names the failing requirement."""
    at = _now(at)
    election = _lock(election)
    company = ManagementCompany.objects.get(pk=company.pk)
    if not policies.may_apply(roles_of(by), company):
        raise VotingError(MSG_NOT_DIRECTOR)
    if election.status != ElectionStatus.OPEN:
        raise VotingError(MSG_CLOSED)
    if at >= election.nomination_ends_at:
        raise VotingError(MSG_NOMINATION_OVER % {"at": _local(election.nomination_ends_at)})
    if company.status != RegisterStatus.REGISTERED:
        raise VotingError(MSG_NOT_REGISTERED % {"status": company.get_status_display()})
    failing = failing_requirements(company)
    if failing:
        raise VotingError(MSG_INELIGIBLE % {"failing": "; ".join(str(r.label) for r in failing)})
    try:
        with transaction.atomic():
            return Candidate.objects.create(
                election=election, company=company, applied_by=by, applied_at=at
            )
    except IntegrityError:
        raise VotingError(MSG_ALREADY_CANDIDATE) from None


# --- ballots -------------------------------------------------------------------------------


# Two reads of the ballot's hot path that need no model, in SQL that every database runs:
# building them with the ORM costs several times what the database spends on them.
VOTER_SHARE_SQL = """
SELECT elector.person_id, elector.weight_units
FROM voting_elector AS elector
JOIN accounts_person AS person ON person.id = elector.person_id
WHERE elector.election_id = %s AND person.user_id = %s
"""
CHAIN_HEAD_SQL = """
SELECT seq, hash FROM voting_ballot WHERE election_id = %s ORDER BY seq DESC LIMIT 1
"""


def _voter_share(election: Election, voter: User) -> tuple[int | None, int]:
    """(person id, weight units) of ``voter`` in the election's frozen electorate: the sum
    of every share they held at opening; (None, 0) outside it, or for an inactive login
    (as ``roles_of``: an inactive login may do nothing). One query, read before the
    election's lock: the snapshot never changes once taken."""
    if not (voter.is_authenticated and voter.is_active):
        return None, 0
    with connection.cursor() as cursor:
        cursor.execute(VOTER_SHARE_SQL, [election.pk, voter.pk])
        rows = cursor.fetchall()
    if not rows:
        return None, 0
    return rows[0][0], sum(int(units) for _, units in rows)


def _chain_head(election: Election) -> tuple[int, str]:
    """(entry number, hash) of the election's last entry; (0, genesis) for an empty chain.
    Read under the election's lock, which every append holds."""
    with connection.cursor() as cursor:
        cursor.execute(CHAIN_HEAD_SQL, [election.pk])
        last = cursor.fetchone()
    return (int(last[0]), str(last[1])) if last else (0, chain.genesis(election.pk))


@transaction.atomic
def ballot_cast(
    *,
    election: Election,
    voter: User,
    candidate: Candidate,
    weight_units: int | None = None,
    at: dt.datetime | None = None,
) -> Ballot:
    """An owner of the electorate votes for a candidate, with the weight of all their
    shares in the lot as frozen at opening; they may vote again until the close (the last
    ballot counts). The ballot is appended to the election's hash chain under the
    election's row lock, so concurrent ballots get consecutive entries; what does not
    depend on the chain (the voter's frozen weight) is read before the lock, so that the
    lock is held for the chain's append alone."""
    at = _now(at)
    person_id, weight = _voter_share(election, voter)
    election = _lock(election)
    if election.status != ElectionStatus.OPEN:
        raise VotingError(MSG_CLOSED)
    if at < election.nomination_ends_at:
        raise VotingError(MSG_NOT_VOTING_YET % {"at": _local(election.nomination_ends_at)})
    if at >= election.voting_ends_at:
        raise VotingError(MSG_VOTING_OVER % {"at": _local(election.voting_ends_at)})
    if person_id is None or weight == 0:
        raise VotingError(MSG_NOT_ELECTOR)
    if candidate.election_id != election.pk:
        raise VotingError(MSG_NOT_CANDIDATE)
    if weight_units is not None and weight_units != weight:
        raise VotingError(MSG_FORGED_WEIGHT)
    head, prev = _chain_head(election)
    seq = head + 1
    ref = chain.voter_ref(election.pk, person_id)
    encoded = chain.canonical(
        election_id=election.pk,
        seq=seq,
        voter=ref,
        choice=candidate.pk,
        weight_units=weight,
        weight_scale=election.weight_scale,
        cast_at=at,
    )
    return Ballot.objects.create(
        election=election,
        seq=seq,
        person_id=person_id,
        voter_ref=ref,
        candidate=candidate,
        weight_units=weight,
        cast_at=at,
        receipt=chain.receipt_code(),
        prev_hash=prev,
        hash=chain.entry_hash(prev, encoded),
    )


# --- closing -----------------------------------------------------------------------------


def _publish(election: Election, counted: Tally, at: dt.datetime, by: User | None) -> None:
    head = election.ballots.order_by("-seq").values_list("hash", flat=True).first()
    election.head_hash = head or chain.genesis(election.pk)
    election.result = counted.as_dict()
    election.closed_at = at
    election.closed_by = by
    election.status = ElectionStatus.CLOSED


@transaction.atomic
def election_close(
    *, election: Election, by: User | None, at: dt.datetime | None = None
) -> Election:
    """Close after the voting window (a council member, or the beat task with ``by=None``).

    Quorum first (more than VOTING_QUORUM_PERCENT of the total weight). Without quorum the
    election is extended once by VOTING_EXTENSION_DAYS; without quorum again, or without
    candidates, it closes and the council appoints an interim company. With quorum the
    most weight wins and manages the lot; a tie opens a runoff between the tied
    candidates, with the same electorate, voting at once.
    """
    at = _now(at)
    election = _lock(election)
    if by is not None and not policies.may_run(roles_of(by), election.lot):
        raise VotingError(MSG_NOT_COUNCIL)
    if election.status != ElectionStatus.OPEN:
        raise VotingError(MSG_CLOSED)
    if at < election.voting_ends_at:
        raise VotingError(MSG_NOT_OVER % {"at": _local(election.voting_ends_at)})
    counted = tally(election)
    has_candidates = election.candidates.exists()
    if has_candidates and not counted.quorum and election.extended_at is None:
        election.extended_at = at
        election.voting_ends_at = at + dt.timedelta(days=settings.VOTING_EXTENSION_DAYS)
        election.save(update_fields=["extended_at", "voting_ends_at"])
        return election
    _publish(election, counted, at, by)
    leaders = counted.leaders
    if not has_candidates:
        election.outcome = Outcome.NO_CANDIDATES
    elif not counted.quorum:
        election.outcome = Outcome.NO_QUORUM
    elif len(leaders) > 1:
        election.outcome = Outcome.RUNOFF
    else:
        election.outcome = Outcome.WINNER
        election.winner = Candidate.objects.get(pk=leaders[0]).company
    election.save()
    if election.outcome == Outcome.WINNER and election.winner is not None:
        lot_manager_set(
            lot=election.lot,
            company=election.winner,
            by=by,
            comment=str(_("Elected by the owners (election #%(n)s).") % {"n": election.pk}),
            at=at,
        )
    elif election.outcome == Outcome.RUNOFF:
        _runoff_open(election, leaders, at)
    return election


def _runoff_open(election: Election, leaders: list[int], at: dt.datetime) -> Election:
    electors = list(Elector.objects.filter(election=election))
    runoff = _election_create(
        lot=election.lot,
        by=None,
        at=at,
        nomination_days=0,  # the candidates are the tied ones: voting opens at once
        electors=electors,
        scale=election.weight_scale,
        runoff_of=election,
    )
    Candidate.objects.bulk_create(
        [
            Candidate(election=runoff, company_id=c.company_id, applied_by=None, applied_at=at)
            for c in Candidate.objects.filter(pk__in=leaders).order_by("pk")
        ]
    )
    return runoff


@transaction.atomic
def interim_appoint(
    *,
    election: Election,
    company: ManagementCompany,
    by: User,
    reason: str,
    at: dt.datetime | None = None,
) -> InterimAppointment:
    """After an election without quorum (twice) or without candidates, a council of the
    lot appoints an interim company; the appointment is recorded and the company manages
    the lot until the next election."""
    at = _now(at)
    election = _lock(election)
    if not policies.may_run(roles_of(by), election.lot):
        raise VotingError(MSG_NOT_COUNCIL)
    if election.outcome not in (Outcome.NO_QUORUM, Outcome.NO_CANDIDATES):
        raise VotingError(MSG_NOT_AWAITING_INTERIM)
    if not reason.strip():
        raise VotingError(MSG_NO_REASON)
    company = ManagementCompany.objects.get(pk=company.pk)
    if company.status != RegisterStatus.REGISTERED:
        raise VotingError(MSG_INTERIM_NOT_REGISTERED)
    try:
        with transaction.atomic():
            appointment = InterimAppointment.objects.create(
                election=election, company=company, by=by, reason=reason.strip(), at=at
            )
    except IntegrityError:
        raise VotingError(MSG_NOT_AWAITING_INTERIM) from None
    lot_manager_set(
        lot=election.lot,
        company=company,
        by=by,
        comment=str(_("Interim company appointed by the council: %(reason)s") % {"reason": reason}),
        at=at,
    )
    return appointment


def elections_due(at: dt.datetime | None = None) -> list[int]:
    """Open elections whose voting window has ended (for the beat task)."""
    return list(
        Election.objects.filter(status=ElectionStatus.OPEN, voting_ends_at__lte=_now(at))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- notifications ------------------------------------------------------------------------

MSG_VOTING_OPEN_SUBJECT = _("Voting has opened: lot %(lot)s")
MSG_VOTING_OPEN_BODY = _(
    "The election of the management company of lot %(lot)s is open until %(at)s. "
    "Vote at Mening Uyim, under “Votes”."
)
MSG_CLOSING_SUBJECT = _("Two days left to vote: lot %(lot)s")
MSG_CLOSING_BODY = _(
    "The election of the management company of lot %(lot)s closes on %(at)s. "
    "You may vote, or change your ballot, until then."
)
CLOSING_NOTICE = dt.timedelta(days=2)


def electorate_tell(
    *, people: QuerySet[Person], key: str, subject: Promise, body: Promise, facts: dict[str, Any]
) -> int:
    """Tell ``people`` (a queryset of persons) ``subject``/``body`` with ``facts``, each in
    their own language, once per person and key (accounts.notifications.notify_many)."""
    from accounts.notifications import lazy_format, notify_many

    return notify_many(
        person_ids=people,
        key=key,
        subject=lazy_format(subject, facts),
        body=lazy_format(body, facts),
    )


def elections_notify(at: dt.datetime | None = None) -> int:
    """Tell the electorate when voting opens and two days before it closes (DOMAIN.md);
    once per person and message (accounts.notifications), however often it runs."""
    at = _now(at)
    told = 0
    open_elections = Election.objects.filter(
        status=ElectionStatus.OPEN, nomination_ends_at__lte=at
    ).select_related("lot")
    for election in open_elections.order_by("pk"):
        people = Person.objects.filter(
            pk__in=Elector.objects.filter(election=election).values("person_id")
        )
        facts = {"lot": election.lot.code, "at": _local(election.voting_ends_at)}
        told += electorate_tell(
            people=people,
            key=f"election:{election.pk}:open",
            subject=MSG_VOTING_OPEN_SUBJECT,
            body=MSG_VOTING_OPEN_BODY,
            facts=facts,
        )
        if at >= election.voting_ends_at - CLOSING_NOTICE:
            told += electorate_tell(
                people=people,
                key=f"election:{election.pk}:closing:{election.voting_ends_at:%Y%m%d}",
                subject=MSG_CLOSING_SUBJECT,
                body=MSG_CLOSING_BODY,
                facts=facts,
            )
    return told
